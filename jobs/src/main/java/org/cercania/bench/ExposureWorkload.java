package org.cercania.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.exposure.ExposureFiles;

/**
 * The exposure benchmark's inputs: 436 centers (the real CEM points when ../shared/data/peru is
 * beside the installation, else synthetic ones) with opening dates shaped like the real rollout,
 * and units scattered around them.
 */
final class ExposureWorkload {
  private ExposureWorkload() {}

  /** The real CEM points, or empty when the shared data is absent. */
  static List<double[]> cemPoints(Path home) throws IOException {
    List<double[]> out = new ArrayList<>();
    Path f = home == null ? null : home.resolve("../shared/data/peru/cem_directory_2026.csv").normalize();
    if (f == null || !Files.exists(f)) {
      return out;
    }
    List<String> lines = Files.readAllLines(f);
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
    return spark.createDataFrame(rows, ExposureFiles.CENTERS);
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
    spark.udf().register("pick_lon", (UDF1<Integer, Double>) i -> clon[i], DataTypes.DoubleType);
    spark.udf().register("pick_lat", (UDF1<Integer, Double>) i -> clat[i], DataTypes.DoubleType);
    return spark.range(n).repartition(8)
        .withColumn("c", expr("cast(floor(rand(1) * " + clon.length + ") as int)"))
        .withColumn("near", expr("rand(2) < 0.7"))
        .withColumn("lon", expr("case when near then pick_lon(c) + randn(3) * 0.073 else -81.3 + rand(4) * 12.6 end"))
        .withColumn("lat", expr("case when near then pick_lat(c) + randn(5) * 0.072 else -18.3 + rand(6) * 18.25 end"))
        .select(lit("school").as("unit_type"), concat(lit("U"), col("id").cast("string")).as("unit_id"),
            expr("greatest(-180, least(180, lon))").as("lon"), expr("greatest(-90, least(90, lat))").as("lat"));
  }
}
