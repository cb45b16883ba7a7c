package org.cercania.did.fe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.cli.Main;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** TWFE on R did's mpdta example against R fixest 0.12.2 (shared/data/oracle/mpdta_reference.json). */
@ExtendWith(SparkExtension.class)
class MpdtaTwfeTest {

  @Test
  void didCommandReproducesFixestEstimateAndEverySeConvention(SparkSession spark, @TempDir Path out) {
    Path oracle = Repo.sharedData("oracle");
    Config ref = ConfigFactory.parseFile(oracle.resolve("mpdta_reference.json").toFile()).getConfig("twfe");
    int code = Main.run(new String[] {"did", "--input", oracle.resolve("mpdta.csv").toString(), "--unit", "countyreal",
        "--time", "year", "--cohort", "first.treat", "--outcome", "lemp", "--estimator", "twfe", "--se-convention", "all",
        "--out", out.toString()});
    assertEquals(0, code);
    Map<String, Row> byConvention = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("coefficients").toString()).collectAsList()) {
      byConvention.put(r.getAs("se_convention"), r);
    }
    assertEquals(4, byConvention.size());
    Map<String, String> names = Map.of("fixest_default", "fixest_default_cluster", "cluster_g_only", "cluster_Gonly",
        "cluster_raw", "cluster_raw", "cluster_full_k", "cluster_fullK");
    for (Map.Entry<String, String> n : names.entrySet()) {
      Row r = byConvention.get(n.getKey());
      assertEquals("treat_post", r.getAs("term"));
      assertEquals(ref.getDouble("estimate"), (double) r.getAs("estimate"), 1e-9);
      assertEquals(ref.getDouble("se_variants." + n.getValue()), (double) r.getAs("se"), 1e-9, n.getKey());
      assertEquals(ref.getLong("nobs"), (long) r.getAs("n_obs"));
      assertEquals(ref.getLong("n_clusters"), (long) r.getAs("n_clusters"));
    }
  }
}
