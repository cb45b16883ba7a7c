package org.cercania.exposure;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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
import org.cercania.geo.YearWindow;

import static org.apache.spark.sql.functions.col;

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
    StructType schema = outputSchema(withType, spec);
    return slim.mapPartitions(new PerUnit(bc, spec, withType), Encoders.row(schema));
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
        col("opened_on").cast("date"), hasClosed ? col("closed_on").cast("date") : org.apache.spark.sql.functions.lit(null).cast("date"));
    List<CenterIndex.Center> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
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

  /** Runs on the executors: one index walk per unit, one output row per year. */
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
      YearWindow w = idx.window();
      int years = w.years();
      int radii = radiiM.length;
      int offset = withType ? 1 : 0;
      int width = offset + 4 + 3 * radii;
      return new Iterator<>() {
        private Row unit;
        private UnitExposure exposure;
        private int y = years;

        @Override
        public boolean hasNext() {
          while (y >= years) {
            if (!units.hasNext()) {
              return false;
            }
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
            unit = u;
            exposure = idx.query(lon, lat, radiiM);
            y = 0;
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          int year = w.fromYear() + y;
          Object[] v = new Object[width];
          if (withType) {
            v[0] = unit.get(0);
          }
          v[offset] = unit.get(offset);
          v[offset + 1] = year;
          String near = exposure.nearestId(y);
          v[offset + 2] = near;
          v[offset + 3] = near == null ? null : exposure.nearestDistanceM(y);
          int base = offset + 4;
          for (int r = 0; r < radii; r++) {
            int cohort = exposure.cohortYear(r);
            v[base + r] = exposure.within(r, y);
            v[base + radii + r] = cohort;
            v[base + 2 * radii + r] = cohort == 0 ? null : year - cohort;
          }
          y++;
          return RowFactory.create(v);
        }
      };
    }
  }
}
