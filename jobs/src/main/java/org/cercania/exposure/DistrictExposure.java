package org.cercania.exposure;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cercania.geo.CenterIndex;
import org.cercania.geo.DistrictAssignment;
import org.cercania.geo.DistrictLocator;
import org.cercania.geo.YearWindow;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.io.WKTReader;

/**
 * District-level exposure: district centroids as exposure units, district assignment of points
 * (given UBIGEO kept, point-in-polygon only fills gaps and flags disagreements), and the
 * district x year table of open centers and cohorts.
 */
public final class DistrictExposure {
  public static final String DISTRICTS = "districts";
  private DistrictExposure() {}

  /** A locator over a districts table (ubigeo, geometry_wkt: Polygon or MultiPolygon lon/lat). */
  public static DistrictLocator locator(Dataset<Row> districts, double toleranceM) {
    NearestOpenCenter.requireColumns(DISTRICTS, districts, "ubigeo", "geometry_wkt");
    List<Map.Entry<String, String>> polygons = new ArrayList<>();
    for (Row r : districts.select(col("ubigeo").cast("string"), col("geometry_wkt").cast("string")).collectAsList()) {
      polygons.add(new SimpleEntry<>(r.getString(0), r.getString(1)));
    }
    return DistrictAssignment.locator(DISTRICTS, polygons, toleranceM);
  }

  /**
   * District centroids as exposure units: unit_type 'district', unit_id = ubigeo, lon, lat. The
   * centroid is the polygon's planar centroid in lon/lat (the usual convention; it may fall
   * outside a strongly concave district).
   */
  public static Dataset<Row> centroids(Dataset<Row> districts) {
    NearestOpenCenter.requireColumns(DISTRICTS, districts, "ubigeo", "geometry_wkt");
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("unit_type", DataTypes.StringType, false),
        DataTypes.createStructField("unit_id", DataTypes.StringType, false),
        DataTypes.createStructField("lon", DataTypes.DoubleType, false),
        DataTypes.createStructField("lat", DataTypes.DoubleType, false)));
    return districts.select(col("ubigeo").cast("string"), col("geometry_wkt").cast("string"))
        .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
          WKTReader reader = new WKTReader();
          List<Row> out = new ArrayList<>();
          while (rows.hasNext()) {
            Row r = rows.next();
            Point c = DistrictAssignment.district(DISTRICTS, reader, r.getString(0), r.getString(1)).geometry().getCentroid();
            out.add(RowFactory.create("district", r.getString(0), c.getX(), c.getY()));
          }
          return out.iterator();
        }, Encoders.row(schema));
  }

  /**
   * Population-weighted centroids: from points (ubigeo, lon, lat, weight), the weighted mean
   * location per district (fine at district scale; far from the antimeridian).
   */
  public static Dataset<Row> weightedCentroids(Dataset<Row> points) {
    NearestOpenCenter.requireColumns("population points", points, "ubigeo", "lon", "lat", "weight");
    return points.groupBy(col("ubigeo").cast("string").as("unit_id"))
        .agg(sum(col("weight").multiply(col("lon"))).divide(sum("weight")).as("lon"),
            sum(col("weight").multiply(col("lat"))).divide(sum("weight")).as("lat"))
        .select(lit("district").as("unit_type"), col("unit_id"), col("lon"), col("lat"));
  }

  /**
   * Adds district columns to a table of points (lon, lat, optionally ubigeo): ubigeo (given, else
   * located), ubigeo_source, located_ubigeo, located_distance_m (0 inside; metres to the nearest
   * polygon within the tolerance; null when none) and ubigeo_flag (see DistrictAssignment's FLAG_ constants).
   */
  public static Dataset<Row> assignDistricts(SparkSession spark, DistrictLocator locator, Dataset<Row> points) {
    NearestOpenCenter.requireColumns("points", points, "lon", "lat");
    List<String> cols = new ArrayList<>(Arrays.asList(points.columns()));
    boolean hasUbigeo = cols.contains("ubigeo");
    Dataset<Row> in = hasUbigeo ? points.withColumn("ubigeo", col("ubigeo").cast("string")) : points;
    List<StructField> fields = new ArrayList<>();
    for (StructField f : in.schema().fields()) {
      if (!f.name().equals("ubigeo")) {
        fields.add(f);
      }
    }
    fields.add(DataTypes.createStructField("ubigeo", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("ubigeo_source", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("located_ubigeo", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("located_distance_m", DataTypes.DoubleType, true));
    fields.add(DataTypes.createStructField("ubigeo_flag", DataTypes.StringType, true));
    StructType schema = DataTypes.createStructType(fields);
    Broadcast<DistrictLocator> bc = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(locator);
    String[] names = in.columns();
    return in.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      DistrictLocator loc = bc.value();
      int lonAt = Arrays.asList(names).indexOf("lon");
      int latAt = Arrays.asList(names).indexOf("lat");
      int ubAt = Arrays.asList(names).indexOf("ubigeo");
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        Object[] v = new Object[names.length - (ubAt >= 0 ? 1 : 0) + 5];
        int k = 0;
        for (int i = 0; i < names.length; i++) {
          if (i != ubAt) {
            v[k++] = r.get(i);
          }
        }
        String given = ubAt >= 0 ? r.getString(ubAt) : null;
        if (r.isNullAt(lonAt) || r.isNullAt(latAt)) {
          v[k] = given;
          v[k + 1] = given == null ? null : "given";
          v[k + 4] = given == null ? DistrictAssignment.FLAG_UNLOCATED : null;
        } else {
          DistrictAssignment.Assignment a = DistrictAssignment.assign(loc, given, ((Number) r.get(lonAt)).doubleValue(), ((Number) r.get(latAt)).doubleValue());
          v[k] = a.ubigeo();
          v[k + 1] = a.source();
          v[k + 2] = a.locatedUbigeo();
          v[k + 3] = a.distanceM();
          v[k + 4] = a.flag();
        }
        out.add(RowFactory.create(v));
      }
      return out.iterator();
    }, Encoders.row(schema));
  }

  /**
   * The district x year table (schemas/district_exposure.json): for every district polygon and
   * year, open centers assigned to it (given UBIGEO, else point-in-polygon), has_center, cohort
   * (first year with an open center; 0 never), open_centers_flagged (of those, how many have a
   * point that disagrees with the UBIGEO) and centers_per_100k_women when {@code population}
   * (ubigeo, year, women) is given (null without population or with zero women).
   */
  public static Dataset<Row> compute(SparkSession spark, Dataset<Row> districts, Dataset<Row> centers,
      Dataset<Row> population, ExposureSpec spec) {
    DistrictLocator locator = locator(districts, DistrictAssignment.DEFAULT_TOLERANCE_M);
    NearestOpenCenter.requireColumns(NearestOpenCenter.CENTERS, centers, "center_id", "lon", "lat", "opened_on");
    List<CenterIndex.Center> cs = NearestOpenCenter.collectCenters(centers);
    Map<String, String> givenUbigeo = new HashMap<>();
    if (Arrays.asList(centers.columns()).contains("ubigeo")) {
      for (Row r : centers.select(col("center_id").cast("string"), col("ubigeo").cast("string")).collectAsList()) {
        givenUbigeo.put(r.getString(0), r.getString(1));
      }
    }
    YearWindow w = spec.window();
    int years = w.years();
    Map<String, int[]> open = new HashMap<>();
    Map<String, int[]> flagged = new HashMap<>();
    for (CenterIndex.Center c : cs) {
      DistrictAssignment.Assignment a = DistrictAssignment.assign(locator, givenUbigeo.get(c.id()), c.lon(), c.lat());
      if (a.ubigeo() == null) {
        continue; // no district: reported by assignDistricts, counted nowhere
      }
      long mask = w.openMask(c.openedOn(), c.closedOn());
      int[] o = open.computeIfAbsent(a.ubigeo(), k -> new int[years]);
      int[] f = flagged.computeIfAbsent(a.ubigeo(), k -> new int[years]);
      for (int y = 0; y < years; y++) {
        if ((mask >>> y & 1) != 0) {
          o[y]++;
          if (a.flag() != null) {
            f[y]++;
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Row r : districts.select(col("ubigeo").cast("string")).collectAsList()) {
      String ub = r.getString(0);
      int[] o = open.getOrDefault(ub, new int[years]);
      int[] f = flagged.getOrDefault(ub, new int[years]);
      int cohort = 0;
      for (int y = 0; y < years && cohort == 0; y++) {
        if (o[y] > 0) {
          cohort = w.fromYear() + y;
        }
      }
      for (int y = 0; y < years; y++) {
        rows.add(RowFactory.create(ub, w.fromYear() + y, o[y], o[y] > 0 ? 1 : 0, cohort, f[y]));
      }
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("ubigeo", DataTypes.StringType, false),
        DataTypes.createStructField("year", DataTypes.IntegerType, false),
        DataTypes.createStructField("open_centers", DataTypes.IntegerType, false),
        DataTypes.createStructField("has_center", DataTypes.IntegerType, false),
        DataTypes.createStructField("cohort", DataTypes.IntegerType, false),
        DataTypes.createStructField("open_centers_flagged", DataTypes.IntegerType, false)));
    Dataset<Row> table = spark.createDataFrame(rows, schema);
    if (population == null) {
      return table.withColumn("centers_per_100k_women", lit(null).cast("double"));
    }
    NearestOpenCenter.requireColumns("population", population, "ubigeo", "year", "women");
    Dataset<Row> pop = population.select(col("ubigeo").cast("string").as("p_ubigeo"), col("year").cast("int").as("p_year"),
        col("women").cast("double").as("p_women"));
    return table.join(pop, table.col("ubigeo").equalTo(pop.col("p_ubigeo")).and(table.col("year").equalTo(pop.col("p_year"))), "left")
        .withColumn("centers_per_100k_women",
            when(col("p_women").gt(0), col("open_centers").multiply(100_000.0).divide(col("p_women"))))
        .drop("p_ubigeo", "p_year", "p_women");
  }
}
