package org.cercania.bench;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.exposure.ExposureSpec;
import org.cercania.exposure.NearestOpenCenter;
import org.cercania.geo.Geodesic;

/**
 * Not a test: times {@link NearestOpenCenter} on 1,000,000 units x 17 years against a naive
 * cross join (units x centers with a geodesic UDF, x years, group by unit and year). The cross
 * join runs on a sample of units and is scaled linearly (it is linear in units by construction);
 * on that sample both outputs are compared row by row.
 *
 * <p>Run from the repository root: {@code bin/bench ExposureBenchmark [units] [sample]} (defaults
 * 1000000 and 10000; the cross join
 * costs about 45 ms of CPU per sampled unit, so a sample of 2000 takes a few minutes). Centers are
 * the 436 real CEM points when ../shared/data/peru is present (synthetic opening dates shaped like
 * the real rollout), else 436 synthetic ones.
 */
public final class ExposureBenchmark {
  private ExposureBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nUnits = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int nSample = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("exposure-benchmark")
        .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    ExposureSpec spec = ExposureSpec.of(2010, 2026);

    List<double[]> points = cemPoints();
    Dataset<Row> centers = centers(spark, points).cache();
    long nCenters = centers.count();
    Dataset<Row> units = units(spark, centers, nUnits).cache();
    units.count();
    System.out.printf(Locale.ROOT, "centers %d (%s), units %,d, years %d, radii %s%n", nCenters,
        points.isEmpty() ? "synthetic" : "real CEM points", nUnits, spec.years(), spec.radiiKm());

    // The index walk alone, one thread, no Spark: what a unit costs.
    List<Row> some = units.limit(200_000).collectAsList();
    org.cercania.geo.CenterIndex index = NearestOpenCenter.index(centers, spec);
    double[] radiiM = spec.radiiM();
    long sink = 0;
    for (int rep = 0; rep < 2; rep++) {
      long w0 = System.nanoTime();
      for (Row u : some) {
        sink += index.query(u.getDouble(2), u.getDouble(3), radiiM).cohortYear(4);
      }
      System.out.printf(Locale.ROOT, "index walk alone (pass %d): %.2f us per unit (%d units, one thread)%n", rep + 1,
          (System.nanoTime() - w0) / 1e3 / some.size(), some.size());
    }
    System.out.println("(checksum " + sink + ")");

    // Warm-up on a small slice (JIT, broadcast machinery), not timed.
    NearestOpenCenter.compute(spark, centers, units.limit(20_000), spec).write().format("noop").mode("overwrite").save();

    long t0 = System.nanoTime();
    double c0 = cpuSeconds();
    NearestOpenCenter.compute(spark, centers, units, spec).write().format("noop").mode("overwrite").save();
    double fast = (System.nanoTime() - t0) / 1e9;
    double fastCpu = cpuSeconds() - c0;
    System.out.printf(Locale.ROOT, "indexed: %,d units x %d years = %,d rows in %.1f s wall, %.1f s CPU%n", nUnits, spec.years(),
        (long) nUnits * spec.years(), fast, fastCpu);

    Dataset<Row> sample = units.limit(nSample).cache();
    sample.count();
    t0 = System.nanoTime();
    c0 = cpuSeconds();
    Dataset<Row> naive = crossJoin(spark, centers, sample, spec).cache();
    long naiveRows = naive.count();
    double naiveSample = (System.nanoTime() - t0) / 1e9;
    double naiveCpu = cpuSeconds() - c0;
    t0 = System.nanoTime();
    c0 = cpuSeconds();
    NearestOpenCenter.compute(spark, centers, sample, spec).write().format("noop").mode("overwrite").save();
    double fastSample = (System.nanoTime() - t0) / 1e9;
    double fastSampleCpu = cpuSeconds() - c0;
    double scaled = naiveSample * nUnits / nSample;
    double scaledCpu = naiveCpu * nUnits / nSample;
    System.out.printf(Locale.ROOT, "cross join: %,d units x %d years = %,d rows in %.1f s wall, %.1f s CPU"
        + " (indexed on the same sample: %.2f s wall, %.2f s CPU)%n",
        nSample, spec.years(), naiveRows, naiveSample, naiveCpu, fastSample, fastSampleCpu);
    System.out.printf(Locale.ROOT, "cross join scaled to %,d units: %.0f s wall, %.0f s CPU; ratio cross join / indexed = %.0fx wall, %.0fx CPU%n",
        nUnits, scaled, scaledCpu, scaled / fast, scaledCpu / fastCpu);

    // Same answers on the sample.
    Dataset<Row> ours = NearestOpenCenter.compute(spark, centers, sample, spec);
    Dataset<Row> j = ours.join(naive, ours.col("unit_id").equalTo(naive.col("n_unit_id")).and(ours.col("year").equalTo(naive.col("n_year"))));
    Column differ = functionsNotEqual(col("nearest_center_id"), col("n_nearest_center_id"))
        .or(expr("abs(coalesce(nearest_distance_m, -1) - coalesce(n_nearest_distance_m, -1)) > 1e-6"));
    for (String r : spec.radiusLabels()) {
      differ = differ.or(col("centers_within_" + r).notEqual(col("n_centers_within_" + r)))
          .or(col("cohort_" + r).notEqual(col("n_cohort_" + r)));
    }
    long joined = j.count();
    long mismatches = j.where(differ).count();
    System.out.printf(Locale.ROOT, "check on the sample: %,d rows joined, %,d differ%n", joined, mismatches);
    spark.stop();
  }

  /** CPU seconds of this JVM (driver and local executors), robust to other jobs on the machine. */
  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  private static Column functionsNotEqual(Column a, Column b) {
    return a.eqNullSafe(b).unary_$bang();
  }

  /** The naive plan: every unit with every center, a geodesic UDF per pair, then every year. */
  static Dataset<Row> crossJoin(SparkSession spark, Dataset<Row> centers, Dataset<Row> units, ExposureSpec spec) {
    spark.udf().register("geodesic_m", (UDF4<Double, Double, Double, Double, Double>) Geodesic::distanceM, DataTypes.DoubleType);
    Dataset<Row> pairs = units.select(col("unit_id"), col("lon").as("ulon"), col("lat").as("ulat"))
        .crossJoin(centers.select(col("center_id"), col("lon").as("clon"), col("lat").as("clat"), col("opened_on"), col("closed_on")))
        .withColumn("d", callUDF("geodesic_m", col("ulon"), col("ulat"), col("clon"), col("clat")));
    Dataset<Row> years = spark.range(spec.fromYear(), spec.toYear() + 1).select(col("id").cast("int").as("year"));
    String ref = String.format(Locale.ROOT, "make_date(year, %d, %d)", spec.referenceMonth(), spec.referenceDay());
    Dataset<Row> open = pairs.crossJoin(years)
        .withColumn("open", expr("opened_on <= " + ref + " and (closed_on is null or closed_on > " + ref + ")"));
    List<Column> aggs = new ArrayList<>();
    aggs.add(min_by(struct(col("d"), col("center_id")), when(col("open"), struct(col("d"), col("center_id")))).as("best"));
    List<String> labels = spec.radiusLabels();
    double[] radii = spec.radiiM();
    for (int r = 0; r < radii.length; r++) {
      aggs.add(sum(when(col("open").and(col("d").leq(radii[r])), 1).otherwise(0)).cast("int").as("n_centers_within_" + labels.get(r)));
    }
    Dataset<Row> perYear = open.groupBy(col("unit_id"), col("year")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
        .withColumn("n_nearest_center_id", expr("best.center_id"))
        .withColumn("n_nearest_distance_m", expr("best.d"))
        .drop("best");
    List<Column> cohorts = new ArrayList<>();
    for (String l : labels) {
      cohorts.add(min(when(col("n_centers_within_" + l).gt(0), col("year"))).as("c_" + l));
    }
    Dataset<Row> cohort = perYear.groupBy(col("unit_id").as("c_unit_id"))
        .agg(cohorts.get(0), cohorts.subList(1, cohorts.size()).toArray(new Column[0]));
    Dataset<Row> out = perYear.join(cohort, perYear.col("unit_id").equalTo(cohort.col("c_unit_id")));
    for (String l : labels) {
      out = out.withColumn("n_cohort_" + l, expr("coalesce(c_" + l + ", 0)")).drop("c_" + l);
    }
    return out.drop("c_unit_id").withColumnRenamed("unit_id", "n_unit_id").withColumnRenamed("year", "n_year");
  }

  /** The real CEM points, or empty when the shared data is absent. */
  static List<double[]> cemPoints() throws Exception {
    java.nio.file.Path f = java.nio.file.Paths.get(System.getProperty("cercania.repo", "."))
        .resolve("../shared/data/peru/cem_directory_2026.csv").normalize();
    List<double[]> out = new ArrayList<>();
    if (!java.nio.file.Files.exists(f)) {
      return out;
    }
    List<String> lines = java.nio.file.Files.readAllLines(f);
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",");
      // lat, lon and modalidad are the last three fields (the quoted address may hold commas).
      boolean police = v[v.length - 1].startsWith("Comisar");
      out.add(new double[] {Double.parseDouble(v[v.length - 2]), Double.parseDouble(v[v.length - 3]), police ? 1 : 0});
    }
    return out;
  }

  /** Opening dates shaped like cem_rollout_counts.csv; police-station centers from 2017; 2 % closed. */
  static Dataset<Row> centers(SparkSession spark, List<double[]> points) {
    Random rnd = new Random(42);
    if (points.isEmpty()) {
      for (int i = 0; i < 436; i++) {
        points.add(new double[] {-81 + 12 * rnd.nextDouble(), -18 + 18 * rnd.nextDouble(), i % 3 == 0 ? 1 : 0});
      }
    }
    int[][] rollout = {{1999, 13}, {2004, 40}, {2007, 49}, {2010, 110}, {2012, 149}, {2014, 226}, {2017, 255}, {2018, 342},
        {2023, 433}, {2026, 436}};
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    order.sort((a, b) -> Double.compare(points.get(a)[2], points.get(b)[2])); // regular ones first
    List<Row> rows = new ArrayList<>();
    int k = 0;
    for (int s = 0; s < rollout.length; s++) {
      int upTo = Math.min(points.size(), rollout[s][1]);
      int prevYear = s == 0 ? 1999 : rollout[s - 1][0];
      for (; k < upTo; k++) {
        int year = s == 0 ? 1999 : prevYear + 1 + rnd.nextInt(rollout[s][0] - prevYear);
        LocalDate opened = LocalDate.of(year, 1, 1).plusDays(rnd.nextInt(365));
        LocalDate closed = rnd.nextInt(50) == 0 ? opened.plusDays(400 + rnd.nextInt(3000)) : null;
        double[] p = points.get(order.get(k));
        rows.add(RowFactory.create(String.format("CEM%03d", order.get(k)), p[0], p[1], Date.valueOf(opened),
            closed == null ? null : Date.valueOf(closed)));
      }
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("center_id", DataTypes.StringType, false),
        DataTypes.createStructField("lon", DataTypes.DoubleType, false),
        DataTypes.createStructField("lat", DataTypes.DoubleType, false),
        DataTypes.createStructField("opened_on", DataTypes.DateType, false),
        DataTypes.createStructField("closed_on", DataTypes.DateType, true)));
    return spark.createDataFrame(rows, schema);
  }

  /** 70 % of units scattered around a random center (sd about 8 km), 30 % uniform over Peru's box. */
  static Dataset<Row> units(SparkSession spark, Dataset<Row> centers, int n) {
    List<Row> cs = centers.select("lon", "lat").collectAsList();
    double[] clon = new double[cs.size()];
    double[] clat = new double[cs.size()];
    for (int i = 0; i < clon.length; i++) {
      clon[i] = cs.get(i).getDouble(0);
      clat[i] = cs.get(i).getDouble(1);
    }
    spark.udf().register("pick_lon", (org.apache.spark.sql.api.java.UDF1<Integer, Double>) i -> clon[i], DataTypes.DoubleType);
    spark.udf().register("pick_lat", (org.apache.spark.sql.api.java.UDF1<Integer, Double>) i -> clat[i], DataTypes.DoubleType);
    return spark.range(n).repartition(8)
        .withColumn("c", expr("cast(floor(rand(1) * " + clon.length + ") as int)"))
        .withColumn("near", expr("rand(2) < 0.7"))
        .withColumn("lon", expr("case when near then pick_lon(c) + randn(3) * 0.073 else -81.3 + rand(4) * 12.6 end"))
        .withColumn("lat", expr("case when near then pick_lat(c) + randn(5) * 0.072 else -18.3 + rand(6) * 18.25 end"))
        .select(lit("school").as("unit_type"), concat(lit("U"), col("id").cast("string")).as("unit_id"),
            expr("greatest(-180, least(180, lon))").as("lon"), expr("greatest(-90, least(90, lat))").as("lat"));
  }
}
