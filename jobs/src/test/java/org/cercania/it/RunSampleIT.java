package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    List<Row> est = spark.read().parquet(out.resolve("published/estimates").toString()).collectAsList();
    Set<String> outcomes = new HashSet<>();
    for (Row e : est) {
      outcomes.add(e.getAs("outcome"));
      String term = e.getAs("term");
      if (!term.equals("ring1")) {
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
    assertTrue(spark.read().parquet(out.resolve("published/event_study").toString()).count() > 0);
    assertTrue(spark.read().parquet(out.resolve("published/truth").toString()).count() > 0);
    assertTrue(spark.read().parquet(out.resolve("published/manifest").toString()).filter("section = 'ingest'").count() > 0);

    // The published tables are plain Parquet that pandas reads.
    Path py = tmp.resolve("read.py");
    Files.writeString(py, "import sys, pandas as pd\n"
        + "for t in ['estimates', 'event_study', 'truth', 'manifest', 'district_exposure', 'center_openings',\n"
        + "          'district_polygons', 'ingest_summary', 'bacon', 'pretests']:\n"
        + "    df = pd.read_parquet(sys.argv[1] + '/published/' + t)\n"
        + "    print(t, len(df))\n");
    Process p = new ProcessBuilder("python3", py.toString(), out.toString()).redirectErrorStream(true).start();
    String pyOut = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "pandas could not read the published tables:\n" + pyOut);
    assertTrue(pyOut.contains("estimates " + est.size()), pyOut);
    ReportChecks.assertReport(out);
  }
}
