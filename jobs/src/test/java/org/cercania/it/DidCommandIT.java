package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/cercania did} through spark-submit and the shaded jar, against fixest on mpdta. */
@ExtendWith(SparkExtension.class)
class DidCommandIT {

  @Test
  void twfeThroughTheLauncherMatchesFixest(SparkSession spark, @TempDir Path out) throws Exception {
    Path oracle = Repo.sharedData("oracle");
    Config ref = ConfigFactory.parseFile(oracle.resolve("mpdta_reference.json").toFile()).getConfig("twfe");
    Launcher.Result r = Launcher.run(out.resolve("did.log"), "did", "--input", oracle.resolve("mpdta.csv").toString(),
        "--unit", "countyreal", "--time", "year", "--cohort", "first.treat", "--outcome", "lemp", "--estimator", "twfe",
        "--out", out.toString());
    assertEquals(0, r.exitCode());
    Row row = spark.read().parquet(out.resolve("coefficients").toString()).first();
    assertEquals(ref.getDouble("estimate"), (double) row.getAs("estimate"), 1e-9);
    assertEquals(ref.getDouble("se_fixest_default"), (double) row.getAs("se"), 1e-9);
    assertEquals("fixest_default", row.getAs("se_convention"));
  }

  @Test
  void aBadOptionFailsWithAUsageMessageAndExitCode2(@TempDir Path out) throws Exception {
    Launcher.Result r = Launcher.run(out.resolve("bad.log"), "did", "--input", "nowhere.csv", "--bogus", "1");
    assertEquals(2, r.exitCode());
    assertEquals(true, r.output().contains("cercania did: error [USAGE]: unknown option '--bogus'"), r.output());
  }
}
