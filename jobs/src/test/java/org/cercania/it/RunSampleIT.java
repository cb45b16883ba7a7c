package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.panel.Outcome;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end through bin/cercania and spark-submit: the embedded sample
 * generated, every stage run, and the published estimates compared with the planted effects.
 */
@ExtendWith(SparkExtension.class)
class RunSampleIT {

  @Test
  void sampleRunRecoversPlantedEffectsAndPublishesReadableParquet(SparkSession spark, @TempDir Path tmp) throws Exception {
    // The run the cluster and fault tests compare with, made once per test JVM.
    SampleRuns.Run run = SampleRuns.full();
    Path out = run.out();
    Launcher.Result r = run.result();
    System.out.printf("sample run wall time: %.1f s%n", r.seconds());
    for (String stage : List.of("[ingest]", "[exposure]", "[panel]", "[estimate]", "[diagnostics]", "[publish]", "[report]")) {
      assertTrue(r.output().contains(stage + " done in"), stage + " reported its end");
    }

    Path snapshot = PublishedTables.snapshot(out);
    List<Row> est = spark.read().parquet(snapshot.resolve("estimates").toString()).collectAsList();
    Set<String> outcomes = new HashSet<>();
    for (Row e : est) {
      outcomes.add(e.getAs("outcome"));
      String term = e.getAs("term");
      if (!term.equals("ring1") || e.<Boolean>getAs("suppressed")) {
        continue;
      }
      double truth = e.getAs("truth");
      double lo = e.getAs("conf_low");
      double hi = e.getAs("conf_high");
      boolean placebo = e.getAs("placebo");
      if (placebo) {
        assertEquals(0.0, truth);
        assertTrue((double) e.getAs("p_value") >= 0.05, e.getAs("outcome") + ": placebo significant at 5%");
      } else {
        assertTrue(lo <= truth && truth <= hi, e.getAs("outcome") + ": planted " + truth + " outside [" + lo + ", " + hi + "]");
      }
    }
    for (Outcome o : Outcome.values()) {
      assertTrue(outcomes.contains(o.id()), "an estimate for " + o.id());
    }
    assertTrue(spark.read().parquet(snapshot.resolve("event_study").toString()).count() > 0);
    assertTrue(spark.read().parquet(snapshot.resolve("truth").toString()).count() > 0);
    assertTrue(spark.read().parquet(snapshot.resolve("manifest").toString()).filter("section = 'ingest'").count() > 0);

    // Privacy: every published table of the run, against the rules its contract states (k = 10, the default).
    Dataset<Row> survey = spark.read().format("delta").load(out.resolve("curated/survey").toString())
        .filter("run_id = '" + PublishedTables.currentRun(out) + "'");
    assertTrue(survey.count() > 1000);
    long suppressed = PublishedTables.assertPrivate(spark, snapshot, survey, 10);
    System.out.println("published rows with suppressed cells: " + suppressed);

    // The published tables are plain Parquet that pandas and duckdb read, through CURRENT (as the README shows).
    Path py = tmp.resolve("read.py");
    Files.writeString(py, "import sys, pathlib, pandas as pd\n"
        + "pub = pathlib.Path(sys.argv[1]) / 'published'\n"
        + "snap = pub / (pub / 'CURRENT').read_text().strip()\n"
        + "for t in ['estimates', 'event_study', 'truth', 'manifest', 'district_exposure', 'center_openings',\n"
        + "          'district_polygons', 'ingest_summary', 'bacon', 'pretests']:\n"
        + "    df = pd.read_parquet(snap / t)\n"
        + "    print(t, len(df))\n"
        + "import duckdb\n"
        + "print('duckdb estimates', duckdb.sql(f\"SELECT count(*) FROM read_parquet('{snap}/estimates/*.parquet')\").fetchone()[0])\n");
    Process p = new ProcessBuilder("python3", py.toString(), out.toString()).redirectErrorStream(true).start();
    String pyOut = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "pandas could not read the published tables:\n" + pyOut);
    assertTrue(pyOut.contains("estimates " + est.size()), pyOut);
    assertTrue(pyOut.contains("duckdb estimates " + est.size()), pyOut);
    ReportChecks.assertReport(out);
  }
}
