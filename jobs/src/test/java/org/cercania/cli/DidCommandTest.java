package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Console;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What {@code cercania did} prints: the overall ATT against R fixest, the result's notes, and spec errors worded as options. */
@ExtendWith(SparkExtension.class)
class DidCommandTest {
  private static Path oracle() {
    return Repo.sharedData("oracle");
  }

  private static Console.Run did(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("did", "--input", oracle().resolve("mpdta.csv").toString(), "--unit", "countyreal",
        "--time", "year", "--cohort", "first.treat", "--outcome", "lemp", "--out", out.toString()));
    args.addAll(List.of(extra));
    return Console.main(args.toArray(new String[0]));
  }

  @Test
  void printsTheOverallAttWithFixestsNumbers(SparkSession spark, @TempDir Path out) {
    Config ref = ConfigFactory.parseFile(oracle().resolve("mpdta_reference.json").toFile()).getConfig("twfe");
    Console.Run r = did(out, "--estimator", "twfe");
    assertEquals(0, r.code(), r.err());
    double est = ref.getDouble("estimate");
    double se = ref.getDouble("se_variants.fixest_default_cluster");
    assertTrue(r.out().contains(String.format(Locale.ROOT, "overall ATT (term treat_post): %.4f  se %.4f", est, se)), r.out());
    assertTrue(r.out().contains(String.format(Locale.ROOT, "%-16s %10.4f %10.4f", "treat_post", est, se)), r.out());
  }

  @Test
  void specErrorsAreReportedAsTheCommandsOptions(SparkSession spark, @TempDir Path out) {
    Console.Run window = did(out, "--estimator", "sun-abraham", "--event-min", "-1");
    assertEquals(2, window.code());
    assertEquals("cercania did: error [USAGE]: option --event-min has value '-1', expected below -1 for sun-abraham"
        + " (-1 is the reference)\n", window.err());
    Console.Run order = did(out, "--estimator", "event-study", "--event-min", "2", "--event-max", "1");
    assertEquals("cercania did: error [USAGE]: option --event-min has value '2', expected below --event-max 1\n", order.err());
    Console.Run convention = did(out, "--estimator", "twfe", "--se-convention", "hc1");
    assertTrue(convention.err().contains("option --se-convention has value 'hc1', expected one of fixest_default,"), convention.err());
  }
}
