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
    Console.Run cr2 = did(out, "--estimator", "twfe", "--cr2");
    assertEquals("cercania did: error [USAGE]: --cr2 applies to --estimator cs only (got twfe)\n", cr2.err());
  }

  /**
   * {@code --group} with imputation: one group holding every treated observation reproduces R
   * didimputation's overall ATT and SE on mpdta (oracle), with its variance in the covariance table;
   * groups by cohort average back to the ATT with the cohorts' treated-observation counts (from the CSV) as weights.
   */
  @Test
  void groupTermsOfImputation(SparkSession spark, @TempDir Path out) throws Exception {
    Config ref = ConfigFactory.parseResources("oracle/imputation.json").getConfigList("static.rows").get(0);
    java.nio.file.Path csv = out.resolve("mpdta_groups.csv");
    List<String> lines = java.nio.file.Files.readAllLines(oracle().resolve("mpdta.csv"));
    List<String> with = new ArrayList<>();
    with.add(lines.get(0) + ",one");
    lines.subList(1, lines.size()).forEach(l -> with.add(l + ",1"));
    java.nio.file.Files.write(csv, with);
    List<String> base = List.of("did", "--input", csv.toString(), "--unit", "countyreal", "--time", "year", "--cohort", "first.treat",
        "--outcome", "lemp", "--estimator", "imputation");
    List<String> one = new ArrayList<>(base);
    one.addAll(List.of("--group", "one", "--out", out.resolve("one").toString()));
    Console.Run r = Console.main(one.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    java.util.Map<String, double[]> terms = new java.util.HashMap<>();
    spark.read().parquet(out.resolve("one/coefficients").toString()).collectAsList()
        .forEach(row -> terms.put(row.getString(0), new double[] {row.getDouble(1), row.getDouble(2)}));
    assertEquals(ref.getDouble("estimate"), terms.get("group::1")[0], 1e-6);
    assertEquals(ref.getDouble("std_error"), terms.get("group::1")[1], 1e-6);
    double var = spark.read().parquet(out.resolve("one/covariance").toString())
        .filter("row_term = 'group::1' and col_term = 'ATT'").first().getDouble(2);
    assertEquals(Math.pow(ref.getDouble("std_error"), 2), var, 1e-9);
    List<String> cohorts = new ArrayList<>(base);
    cohorts.addAll(List.of("--group", "first.treat", "--out", out.resolve("cohorts").toString()));
    assertEquals(0, Console.main(cohorts.toArray(new String[0])).code());
    double sum = 0;
    double n = 0;
    for (org.apache.spark.sql.Row row : spark.read().parquet(out.resolve("cohorts/coefficients").toString())
        .filter("term like 'group::%'").collectAsList()) {
      int g = Integer.parseInt(row.getString(0).substring(7));
      long treatedObs = spark.read().option("header", true).csv(oracle().resolve("mpdta.csv").toString())
          .filter("`first.treat` = " + g + " and year >= " + g).count();
      sum += treatedObs * row.getDouble(1);
      n += treatedObs;
    }
    assertEquals(3, (int) spark.read().parquet(out.resolve("cohorts/coefficients").toString()).filter("term like 'group::%'").count());
    double att = spark.read().parquet(out.resolve("cohorts/coefficients").toString()).filter("term = 'ATT'").first().getDouble(1);
    assertEquals(ref.getDouble("estimate"), att, 1e-6);
    assertEquals(att, sum / n, 1e-12); // the ATT is the treated-observation-weighted mean of the cohorts' ATTs
    Console.Run wrong = did(out.resolve("w"), "--estimator", "cs", "--group", "year");
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().contains("--group applies to --estimator imputation only"), wrong.err());
  }
}
