package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow refresh without Airflow: jobs/src/test/python/airflow_refresh.py imports the DAG's
 * command module (no Airflow), checks the DAG file parses into one task per stage running those
 * commands, and runs them in order through bin/cercania on the small sample; the published results
 * must equal those of {@code run} on the same sample ({@link SampleRuns#small()}).
 */
@ExtendWith(SparkExtension.class)
class AirflowCommandsIT {
  private static final double TOLERANCE = 1e-9;

  @Test
  void theDagsCommandsRunInOrderPublishWhatRunPublishes(SparkSession spark, @TempDir Path dir) throws Exception {
    SampleRuns.Run reference = SampleRuns.small();
    Path out = dir.resolve("out");
    List<String> cmd = new ArrayList<>(List.of("python3", Repo.root().resolve("jobs/src/test/python/airflow_refresh.py").toString(),
        "--repo", Repo.root().toString(), "--out", out.toString()));
    if (stagesTakeRunIds(dir)) {
      cmd.addAll(List.of("--as-of", "2026-09-30", "--run-id", "q-2026-09-30"));
    }
    cmd.add("--");
    cmd.addAll(SampleRuns.smallFlags());
    Path log = dir.resolve("airflow.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("CERCANIA_DRIVER_MEMORY", "3g");
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(30, TimeUnit.MINUTES), "the refresh commands did not finish in 30 minutes");
    } finally {
      if (p.isAlive()) {
        Processes.kill(p.toHandle());
      }
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    System.out.printf("airflow commands: %.1f s wall%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(0, p.exitValue(), "the refresh commands failed:\n" + output);
    assertTrue(output.contains("[airflow] DAG cercania_refresh parses"), output);
    PublishedTables.assertSame(PublishedTables.read(spark, reference.out()), PublishedTables.read(spark, out), TOLERANCE,
        "the DAG's commands vs run");
  }

  /** Whether the stage commands take --run-id and --as-of (the runs work): then the DAG's data interval is passed as in Airflow. */
  private static boolean stagesTakeRunIds(Path dir) throws Exception {
    Launcher.Result help = Launcher.run(dir.resolve("help.log"), "exposure", "--help");
    return help.output().contains("--as-of") && help.output().contains("--run-id");
  }
}
