package org.cercania.exposure;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;
import org.cercania.geo.CenterIndex;
import org.cercania.geo.UnitExposure;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.when;

/**
 * The exposure stage's core: for every located unit and every year, the nearest OPEN center and its
 * geodesic distance, the open centers within each ring, and each ring's cohort (first year of the
 * window with an open center inside it).
 *
 * <p>The centers (hundreds to thousands) are collected to the driver, indexed ({@link CenterIndex})
 * and broadcast; the units are never collected, joined or shuffled: one pass over their partitions
 * makes one index walk per unit and writes all of its years from the centers' dates.
 */
public final class NearestOpenCenter {
  public static final String CENTERS = "centers";
  public static final String UNITS = "units";

  private NearestOpenCenter() {}

  /**
   * centers: center_id, lon, lat, opened_on (date), closed_on (date, nullable; the column may be
   * absent). units: unit_id, lon, lat, optionally unit_type (carried through); units without lon or
   * lat are left out. Returns one row per unit and year:
   * [unit_type,] unit_id, year, nearest_center_id, nearest_distance_m, centers_within_&lt;r&gt;,
   * cohort_&lt;r&gt;, years_since_&lt;r&gt; for each ring r (labels from {@link ExposureSpec#radiusLabel}).
   */
  public static Dataset<Row> compute(SparkSession spark, Dataset<Row> centers, Dataset<Row> units, ExposureSpec spec) {
    CenterIndex index = index(centers, spec);
    requireColumns(UNITS, units, "unit_id", "lon", "lat");
    boolean withType = Arrays.asList(units.columns()).contains("unit_type");
    List<Column> cols = new ArrayList<>();
    if (withType) {
      cols.add(col("unit_type").cast("string"));
    }
    cols.add(col("unit_id").cast("string"));
    cols.add(col("lon").cast("double"));
    cols.add(col("lat").cast("double"));
    Dataset<Row> slim = units.select(cols.toArray(new Column[0]));
    Broadcast<CenterIndex> bc = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(index);
    // One wide row per unit (its years as arrays), then posexplode in generated code: much cheaper
    // than encoding one generic Row per unit and year.
    Dataset<Row> wide = slim.mapPartitions(new PerUnit(bc, spec, withType), Encoders.row(wideSchema(withType, spec)));
    List<String> labels = spec.radiusLabels();
    List<Column> exploded = new ArrayList<>();
    if (withType) {
      exploded.add(col("unit_type"));
    }
    exploded.add(col("unit_id"));
    exploded.add(posexplode(col("nearest")).as(new String[] {"i", "nearest_center_id"}));
    exploded.add(col("distance"));
    for (int r = 0; r < labels.size(); r++) {
      exploded.add(col("within_" + r));
      exploded.add(col("cohort_" + r));
    }
    Dataset<Row> long_ = wide.select(exploded.toArray(new Column[0]));
    List<Column> out = new ArrayList<>();
    if (withType) {
      out.add(col("unit_type"));
    }
    out.add(col("unit_id"));
    Column year = col("i").plus(spec.fromYear());
    out.add(year.cast("int").as("year"));
    out.add(col("nearest_center_id"));
    Column d = element_at(col("distance"), col("i").plus(1));
    out.add(when(isnan(d), lit(null)).otherwise(d).as("nearest_distance_m"));
    for (int r = 0; r < labels.size(); r++) {
      out.add(element_at(col("within_" + r), col("i").plus(1)).as("centers_within_" + labels.get(r)));
    }
    for (int r = 0; r < labels.size(); r++) {
      out.add(col("cohort_" + r).as("cohort_" + labels.get(r)));
    }
    for (int r = 0; r < labels.size(); r++) {
      Column c = col("cohort_" + r);
      out.add(when(c.equalTo(0), lit(null)).otherwise(year.minus(c)).cast("int").as("years_since_" + labels.get(r)));
    }
    return long_.select(out.toArray(new Column[0]));
  }

  private static StructType wideSchema(boolean withType, ExposureSpec spec) {
    List<StructField> f = new ArrayList<>();
    if (withType) {
      f.add(DataTypes.createStructField("unit_type", DataTypes.StringType, true));
    }
    f.add(DataTypes.createStructField("unit_id", DataTypes.StringType, false));
    f.add(DataTypes.createStructField("nearest", DataTypes.createArrayType(DataTypes.StringType, true), false));
    f.add(DataTypes.createStructField("distance", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
    for (int r = 0; r < spec.radiiKm().size(); r++) {
      f.add(DataTypes.createStructField("within_" + r, DataTypes.createArrayType(DataTypes.IntegerType, false), false));
      f.add(DataTypes.createStructField("cohort_" + r, DataTypes.IntegerType, false));
    }
    return DataTypes.createStructType(f);
  }

  /** The output columns for a spec, with or without the leading unit_type. */
  public static StructType outputSchema(boolean withUnitType, ExposureSpec spec) {
    List<StructField> f = new ArrayList<>();
    if (withUnitType) {
      f.add(DataTypes.createStructField("unit_type", DataTypes.StringType, true));
    }
    f.add(DataTypes.createStructField("unit_id", DataTypes.StringType, false));
    f.add(DataTypes.createStructField("year", DataTypes.IntegerType, false));
    f.add(DataTypes.createStructField("nearest_center_id", DataTypes.StringType, true));
    f.add(DataTypes.createStructField("nearest_distance_m", DataTypes.DoubleType, true));
    for (String r : spec.radiusLabels()) {
      f.add(DataTypes.createStructField("centers_within_" + r, DataTypes.IntegerType, false));
    }
    for (String r : spec.radiusLabels()) {
      f.add(DataTypes.createStructField("cohort_" + r, DataTypes.IntegerType, false));
    }
    for (String r : spec.radiusLabels()) {
      f.add(DataTypes.createStructField("years_since_" + r, DataTypes.IntegerType, true));
    }
    return DataTypes.createStructType(f);
  }

  /** Collects and validates the centers, then indexes them for the spec's years. */
  public static CenterIndex index(Dataset<Row> centers, ExposureSpec spec) {
    return CenterIndex.build(collectCenters(centers), spec.window());
  }

  /** Collects the centers table to the driver (it is small), validating every row. */
  public static List<CenterIndex.Center> collectCenters(Dataset<Row> centers) {
    requireColumns(CENTERS, centers, "center_id", "lon", "lat", "opened_on");
    boolean hasClosed = Arrays.asList(centers.columns()).contains("closed_on");
    Dataset<Row> slim = centers.select(col("center_id").cast("string"), col("lon").cast("double"), col("lat").cast("double"),
        col("opened_on").cast("date"), hasClosed ? col("closed_on").cast("date") : lit(null).cast("date"));
    List<CenterIndex.Center> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Row r : slim.collectAsList()) {
      String id = r.getString(0);
      if (id == null) {
        throw Errors.badRecord(CENTERS, "center_id", "null", "center_id", "null", "a non-empty id");
      }
      if (!seen.add(id)) {
        throw Errors.duplicateKey(CENTERS, "center_id", id);
      }
      Double lon = r.isNullAt(1) ? null : r.getDouble(1);
      Double lat = r.isNullAt(2) ? null : r.getDouble(2);
      checkLonLat(CENTERS, "center_id", id, lon, lat);
      if (r.isNullAt(3)) {
        throw Errors.badRecord(CENTERS, "center_id", id, "opened_on", "null", "a date");
      }
      long opened = r.getDate(3).toLocalDate().toEpochDay();
      Long closed = r.isNullAt(4) ? null : r.getDate(4).toLocalDate().toEpochDay();
      if (closed != null && closed <= opened) {
        throw Errors.badRecord(CENTERS, "center_id", id, "closed_on", LocalDate.ofEpochDay(closed).toString(),
            "after opened_on (" + LocalDate.ofEpochDay(opened) + ")");
      }
      out.add(new CenterIndex.Center(id, lon, lat, opened, closed));
    }
    return out;
  }

  static void checkLonLat(String table, String keyColumn, String id, Double lon, Double lat) {
    if (lon == null || !(lon >= -180 && lon <= 180)) {
      throw Errors.badRecord(table, keyColumn, id, "lon", String.valueOf(lon), "a longitude in [-180, 180] degrees");
    }
    if (lat == null || !(lat >= -90 && lat <= 90)) {
      throw Errors.badRecord(table, keyColumn, id, "lat", String.valueOf(lat), "a latitude in [-90, 90] degrees");
    }
  }

  static void requireColumns(String table, Dataset<Row> frame, String... required) {
    List<String> present = Arrays.asList(frame.columns());
    for (String c : required) {
      if (!present.contains(c)) {
        throw Errors.missingColumn(table, c, present);
      }
    }
  }

  /** Runs on the executors: one index walk per unit, its years as arrays. */
  private static final class PerUnit implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<CenterIndex> index;
    private final double[] radiiM;
    private final boolean withType;

    PerUnit(Broadcast<CenterIndex> index, ExposureSpec spec, boolean withType) {
      this.index = index;
      this.radiiM = spec.radiiM();
      this.withType = withType;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> units) {
      CenterIndex idx = index.value();
      int years = idx.window().years();
      int radii = radiiM.length;
      int offset = withType ? 1 : 0;
      int width = offset + 3 + 2 * radii;
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && units.hasNext()) {
            Row u = units.next();
            if (u.isNullAt(offset + 1) || u.isNullAt(offset + 2)) {
              continue; // no location: not a unit of this stage
            }
            String id = u.getString(offset);
            if (id == null) {
              throw Errors.badRecord(UNITS, "unit_id", "null", "unit_id", "null", "a non-empty id");
            }
            double lon = u.getDouble(offset + 1);
            double lat = u.getDouble(offset + 2);
            checkLonLat(UNITS, "unit_id", id, lon, lat);
            UnitExposure e = idx.query(lon, lat, radiiM);
            Object[] v = new Object[width];
            if (withType) {
              v[0] = u.get(0);
            }
            v[offset] = id;
            String[] nearest = new String[years];
            double[] dist = new double[years];
            for (int y = 0; y < years; y++) {
              nearest[y] = e.nearestId(y);
              dist[y] = e.nearestDistanceM(y);
            }
            v[offset + 1] = nearest;
            v[offset + 2] = dist;
            for (int r = 0; r < radii; r++) {
              int[] w = new int[years];
              for (int y = 0; y < years; y++) {
                w[y] = e.within(r, y);
              }
              v[offset + 3 + 2 * r] = w;
              v[offset + 4 + 2 * r] = e.cohortYear(r);
            }
            next = RowFactory.create(v);
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }
}
