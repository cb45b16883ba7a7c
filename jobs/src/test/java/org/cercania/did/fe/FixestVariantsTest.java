package org.cercania.did.fe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.SeConvention;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TWFE and event studies against R fixest 0.12.2 on mpdta beyond the default spec
 * (oracle/fixest_variants.json): clustering by year (the year effects nested in the cluster, the
 * unit effects not), weights, a covariate, event studies with and without binned end points.
 */
@ExtendWith(SparkExtension.class)
class FixestVariantsTest {
  private static final double TOL = 1e-9;
  private static final Map<String, SeConvention> VARIANTS = Map.of("default", SeConvention.FIXEST_DEFAULT,
      "adjF_clusteradjT", SeConvention.CLUSTER_G_ONLY, "adjF_clusteradjF", SeConvention.CLUSTER_RAW,
      "adjT_fullK", SeConvention.CLUSTER_FULL_K);

  private static Config model(String name) {
    return ConfigFactory.parseResources("oracle/fixest_variants.json").getConfig("models." + name);
  }

  private static Dataset<Row> mpdta(SparkSession spark) {
    Dataset<Row> d = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(Repo.sharedData("oracle").resolve("mpdta.csv").toString()).withColumnRenamed("first.treat", "first_treat");
    return d.withColumn("w", lit(1.0).plus(col("countyreal").mod(7).divide(10.0)))
        .withColumn("x", col("lpop").multiply(col("year").minus(2003)))
        .withColumn("treat_post", when(col("first_treat").gt(0).and(col("year").geq(col("first_treat"))), 1.0).otherwise(0.0));
  }

  private static void assertTwfeVariants(Config m, FixedEffectsRegression.Fit fit, int index) {
    for (Map.Entry<String, SeConvention> v : VARIANTS.entrySet()) {
      Config c = m.getConfig("se_variants." + v.getKey()).getConfigList("coefficients").get(index);
      assertEquals(c.getDouble("estimate"), fit.beta()[index], TOL, v.getKey());
      assertEquals(c.getDouble("se"), fit.se(index, v.getValue()), TOL, m.getString("name") + " " + v.getKey());
    }
    assertEquals(m.getLong("n_clusters"), fit.nClusters());
  }

  @Test
  void twfeClusteredByYearCountsTheUnitEffectsInK(SparkSession spark) {
    FixedEffectsRegression.Fit fit = new FixedEffectsRegression(new FixedEffectsRegression.Design(null, "countyreal", "year",
        "lemp", null, "year", List.of("treat_post"), null, List.of())).fit(mpdta(spark)).get("");
    assertEquals(false, fit.unitNestedInCluster());
    assertEquals(true, fit.timeNestedInCluster());
    assertTwfeVariants(model("twfe_cluster_year"), fit, 0);
  }

  @Test
  void twfeWithWeights(SparkSession spark) {
    FixedEffectsRegression.Fit fit = new FixedEffectsRegression(new FixedEffectsRegression.Design(null, "countyreal", "year",
        "lemp", "w", "countyreal", List.of("treat_post"), null, List.of())).fit(mpdta(spark)).get("");
    assertTwfeVariants(model("twfe_weights"), fit, 0);
  }

  @Test
  void twfeWithACovariate(SparkSession spark) {
    FixedEffectsRegression.Fit fit = new FixedEffectsRegression(new FixedEffectsRegression.Design(null, "countyreal", "year",
        "lemp", null, "countyreal", List.of("treat_post", "x"), null, List.of())).fit(mpdta(spark)).get("");
    assertTwfeVariants(model("twfe_covariate_x"), fit, 0);
    assertTwfeVariants(model("twfe_covariate_x"), fit, 1);
  }

  @Test
  void eventStudyCoefficientsStandardErrorsAndCovariance(SparkSession spark) {
    DidSpec spec = DidSpec.builder("countyreal", "year", "first_treat", "lemp").build();
    Map<String, Dataset<Row>> out = new EventStudy().estimate(mpdta(spark), spec).tables();
    Config d = model("event_study").getConfig("se_variants.default");
    Map<String, Row> got = new HashMap<>();
    for (Row r : out.get("coefficients").collectAsList()) {
      got.put(r.getAs("term"), r);
    }
    assertEquals(d.getConfigList("coefficients").size(), got.size());
    for (Config c : d.getConfigList("coefficients")) {
      Row r = got.get(c.getString("name"));
      assertEquals(c.getDouble("estimate"), (double) r.getAs("estimate"), TOL, c.getString("name"));
      assertEquals(c.getDouble("se"), (double) r.getAs("se"), TOL, c.getString("name"));
    }
    List<String> names = d.getStringList("vcov.names");
    List<? extends List<?>> matrix = (List<? extends List<?>>) d.getAnyRefList("vcov.matrix");
    Map<String, Double> v = new HashMap<>();
    for (Row r : out.get("vcov").collectAsList()) {
      v.put(r.getAs("row_term") + "|" + r.getAs("col_term"), r.getAs("value"));
    }
    for (int i = 0; i < names.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        assertEquals(((Number) matrix.get(i).get(j)).doubleValue(), v.get(names.get(i) + "|" + names.get(j)), 1e-12);
      }
    }
  }

  @Test
  void eventStudyWithBinnedEndPoints(SparkSession spark) {
    DidSpec spec = DidSpec.builder("countyreal", "year", "first_treat", "lemp").eventWindow(-3, 2).build();
    Map<String, Row> got = new HashMap<>();
    for (Row r : new EventStudy().estimate(mpdta(spark), spec).tables().get("coefficients").collectAsList()) {
      got.put(r.getAs("term"), r);
    }
    List<? extends Config> ref = model("event_study_binned").getConfigList("se_variants.default.coefficients");
    assertEquals(ref.size(), got.size());
    for (Config c : ref) {
      Row r = got.get(c.getString("name").replace("rel_bin::", EventStudy.PREFIX));
      assertEquals(c.getDouble("estimate"), (double) r.getAs("estimate"), TOL, c.getString("name"));
      assertEquals(c.getDouble("se"), (double) r.getAs("se"), TOL, c.getString("name"));
    }
  }
}
