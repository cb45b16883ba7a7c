package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full sample run submitted with {@code bin/cercania --master spark://127.0.0.1:PORT} (a real
 * spark-submit of the shaded jar) to a standalone cluster of one-core workers in their own JVMs, so
 * every closure and broadcast is serialized to executors. The application uses two cores; a third
 * worker stands by. Midway through ingest (while the curated tables are being written, after the
 * checked rows were cached on the executors) one worker and its executor are SIGKILLed: Spark
 * reruns the lost tasks and recomputes the lost cache and shuffle output, the master starts a
 * replacement executor on the standby worker, and the run must finish with the same published
 * results as the local-mode run.
 */
@ExtendWith(SparkExtension.class)
class ClusterIT {
  /** Relative tolerance: sums taken over other partitions differ in the last bits, nothing more. */
  private static final double TOLERANCE = 1e-9;

  @Test
  void theSampleOnAStandaloneClusterPublishesTheLocalResultsAfterLosingAWorker(SparkSession spark, @TempDir Path dir)
      throws Exception {
    SampleRuns.Run local = SampleRuns.full();
    Path out = dir.resolve("out");
    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 3);
        DriverProcess driver = DriverProcess.start(dir.resolve("run.log"), Map.of("CERCANIA_SPARK_CONF", cluster.applicationConf(2)),
            List.of("--master", cluster.url(), "run", "--sample", "--out", out.toString()))) {
      assertTrue(driver.await(l -> l.startsWith("[ingest] wrote curated/"), 20), "the run reached ingest's writes:\n" + driver.output());
      int victim = cluster.busyWorker();
      assertTrue(victim >= 0, "a worker is running an executor");
      cluster.killWorker(victim);
      System.out.printf("killed worker-%d at %.1f s%n", victim, driver.seconds());
      assertTrue(!driver.saw(l -> l.startsWith("[run] done in")), "the worker died during the run");

      int code = driver.waitFor(30);
      System.out.printf("cluster run wall time: %.1f s (local: %.1f s)%n", driver.seconds(), local.result().seconds());
      assertEquals(0, code, "the cluster run failed:\n" + driver.output());
      String master = cluster.masterLog();
      assertTrue(master.contains("Removing worker"), "the master saw the worker go:\n" + master);
      assertTrue(executorsLaunched(master) >= 3, "a replacement executor was launched:\n" + master);
    }
    PublishedTables.assertSame(PublishedTables.read(spark, local.out()), PublishedTables.read(spark, out), TOLERANCE,
        "cluster vs local");
  }

  private static int executorsLaunched(String masterLog) {
    Matcher m = Pattern.compile("Launching executor ").matcher(masterLog);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
