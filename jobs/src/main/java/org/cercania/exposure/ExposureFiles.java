package org.cercania.exposure;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;
import scala.Tuple2;

/**
 * The exposure stage on plain files ({@code cercania exposure --centers F --units F}): a centers CSV
 * and a units CSV read and checked, each bad value an error naming the file, its line (the header
 * is line 1) and the field.
 */
public final class ExposureFiles {
  private static final String LON_EXPECTED = "a longitude in [-180, 180] degrees";
  private static final String LAT_EXPECTED = "a latitude in [-90, 90] degrees";

  private ExposureFiles() {}

  private static Dataset<Row> readCsv(SparkSession spark, Path file) {
    return spark.read().option("header", "true").option("inferSchema", "false").option("mode", "PERMISSIVE")
        .csv(file.toString());
  }

  private static void require(Dataset<Row> raw, Path file, String... columns) {
    List<String> present = Arrays.asList(raw.columns());
    for (String c : columns) {
      if (!present.contains(c)) {
        throw Errors.missingColumn(file, c, present);
      }
    }
  }

  /** The centers are few: parsed on the driver, line by line, so a bad value names its line. */
  public static Dataset<Row> readCenters(SparkSession spark, Path file) {
    Dataset<Row> raw = readCsv(spark, file);
    require(raw, file, "center_id", "lon", "lat", "opened_on");
    boolean hasClosed = Arrays.asList(raw.columns()).contains("closed_on");
    List<Row> rows = new ArrayList<>();
    List<Row> in = raw.select(col("center_id"), col("lon"), col("lat"), col("opened_on"),
        hasClosed ? col("closed_on") : lit(null).cast("string")).collectAsList();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      Row r = in.get(i);
      long line = i + 2;
      String id = r.getString(0);
      if (id == null || id.isBlank()) {
        throw Errors.badValue(file, line, "center_id", id == null ? "" : id, "a non-empty id");
      }
      if (!seen.add(id)) {
        throw Errors.duplicateKey(file, "center_id", id);
      }
      double lon = number(file, line, "lon", r.getString(1), -180, 180, LON_EXPECTED);
      double lat = number(file, line, "lat", r.getString(2), -90, 90, LAT_EXPECTED);
      LocalDate opened = date(file, line, "opened_on", r.getString(3));
      if (opened == null) {
        throw Errors.badValue(file, line, "opened_on", "", "a date (yyyy-mm-dd)");
      }
      LocalDate closed = date(file, line, "closed_on", r.getString(4));
      if (closed != null && !closed.isAfter(opened)) {
        throw Errors.badValue(file, line, "closed_on", r.getString(4), "a date after opened_on (" + opened + ")");
      }
      rows.add(RowFactory.create(id, lon, lat, Date.valueOf(opened), closed == null ? null : Date.valueOf(closed)));
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("center_id", DataTypes.StringType, false),
        DataTypes.createStructField("lon", DataTypes.DoubleType, false),
        DataTypes.createStructField("lat", DataTypes.DoubleType, false),
        DataTypes.createStructField("opened_on", DataTypes.DateType, false),
        DataTypes.createStructField("closed_on", DataTypes.DateType, true)));
    return spark.createDataFrame(rows, schema);
  }

  private static double number(Path file, long line, String field, String v, double min, double max, String expected) {
    double x;
    try {
      x = Double.parseDouble(v == null ? "" : v.trim());
    } catch (NumberFormatException e) {
      throw Errors.badValue(file, line, field, v == null ? "" : v, expected);
    }
    if (!(x >= min && x <= max)) {
      throw Errors.badValue(file, line, field, v, expected);
    }
    return x;
  }

  private static LocalDate date(Path file, long line, String field, String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw Errors.badValue(file, line, field, v, "a date (yyyy-mm-dd)");
    }
  }

  /** Units may be millions: typed in Spark, never collected. */
  public static Dataset<Row> readUnits(SparkSession spark, Path file) {
    Dataset<Row> raw = readCsv(spark, file);
    require(raw, file, "unit_id", "lon", "lat");
    List<Column> cols = new ArrayList<>();
    if (Arrays.asList(raw.columns()).contains("unit_type")) {
      cols.add(col("unit_type"));
    }
    cols.add(col("unit_id"));
    cols.add(col("lon").as("lon_text"));
    cols.add(col("lat").as("lat_text"));
    cols.add(col("lon").cast("double").as("lon"));
    cols.add(col("lat").cast("double").as("lat"));
    return raw.select(cols.toArray(new Column[0]));
  }

  private static Column badLon() {
    return col("lon_text").isNotNull().and(col("lon").isNull().or(col("lon").lt(-180)).or(col("lon").gt(180)).or(col("lon").isNaN()));
  }

  private static Column badLat() {
    return col("lat_text").isNotNull().and(col("lat").isNull().or(col("lat").lt(-90)).or(col("lat").gt(90)).or(col("lat").isNaN()));
  }

  /**
   * One pass: {rows, rows without location}. A bad value is an error naming its line; only then is
   * a second pass made to number the lines.
   */
  public static long[] checkUnits(Dataset<Row> units, Path file) {
    Column bad = col("unit_id").isNull().or(badLon()).or(badLat());
    Row agg = units.agg(count(lit(1)), sum(when(col("lon_text").isNull().or(col("lat_text").isNull()), 1).otherwise(0)),
        sum(when(bad, 1).otherwise(0))).first();
    long rows = agg.getLong(0);
    long missing = agg.isNullAt(1) ? 0 : agg.getLong(1);
    long nBad = agg.isNullAt(2) ? 0 : agg.getLong(2);
    if (nBad > 0) {
      Dataset<Row> flagged = units.select(col("unit_id"), col("lon_text"), col("lat_text"),
          col("unit_id").isNull().as("bad_id"), badLon().as("bad_lon"), badLat().as("bad_lat"));
      Tuple2<Row, Long> first = flagged.javaRDD().zipWithIndex()
          .filter(t -> t._1().getBoolean(3) || t._1().getBoolean(4) || t._1().getBoolean(5))
          .min(new FirstLine());
      Row r = first._1();
      long line = first._2() + 2;
      if (r.getBoolean(3)) {
        throw Errors.badValue(file, line, "unit_id", "", "a non-empty id");
      }
      if (r.getBoolean(4)) {
        throw Errors.badValue(file, line, "lon", r.getString(1), LON_EXPECTED);
      }
      throw Errors.badValue(file, line, "lat", r.getString(2), LAT_EXPECTED);
    }
    return new long[] {rows, missing};
  }

  private static final class FirstLine implements Comparator<Tuple2<Row, Long>>, Serializable {
    @Override
    public int compare(Tuple2<Row, Long> a, Tuple2<Row, Long> b) {
      return Long.compare(a._2(), b._2());
    }
  }
}
