package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow refresh with its driver SIGKILLed during each stage in turn, each stage then retried as
 * Airflow retries a failed task. {@code jobs/src/test/python/airflow_refresh.py} imports
 * {@code conf/airflow/cercania_commands.py} without Airflow, checks that the DAG file parses and that
 * its tasks run the module's spark-submit line per stage, writes the sample, and hands over the
 * refresh's commands (the DAG's, with its data interval as --as-of and --run-id). The run folder
 * starts as a copy of the full sample run (the snapshot analysts read); the refresh runs the small
 * sample (other seed and sizes, so its numbers differ from every published one and a half-published
 * snapshot cannot pass unseen). Each stage's driver is killed mid-stage, then the stage is retried
 * on the debris; after each kill, and after each retried stage before publish, the snapshot a reader
 * sees is still the full sample's, whole. At the end the refresh's own snapshot
 * ({@code published/q-2026-09-30}) equals that of the uninterrupted {@code run} of the same sample
 * ({@link SampleRuns#small()}), and CURRENT still names the full sample's run: the refresh's as-of date
 * (the DAG's data interval) is before the full sample's (run today), so it is a backfill, which
 * publishes its snapshot beside the current one without moving CURRENT.
 */
@ExtendWith(SparkExtension.class)
class DriverKillIT {
  /** Where in a stage the driver dies: the first line matching {@code at}, plus {@code delayShare} of the stage's reference time. */
  private record Kill(Predicate<String> at, double delayShare) {}

  private static final Map<String, Kill> KILLS = Map.of(
      "ingest", new Kill(l -> l.startsWith("[ingest] wrote curated/"), 0),        // curated tables half written
      "exposure", new Kill(l -> l.startsWith("[exposure] wrote exposure"), 0),    // district_exposure not yet
      "panel", new Kill(l -> l.startsWith("[panel] run "), 1.0 / 3),              // a third into the panel's one write
      "estimate", new Kill(l -> l.startsWith("[estimate] twfe by ring"), 0),      // results not yet written
      "publish", new Kill(l -> l.startsWith("[publish] published "), 0)); // one table published, others not

  private static final double TOLERANCE = 1e-9;
  private static final String RUN_ID = "q-2026-09-30";

  @Test
  void theDagsStagesKilledAndRetriedLeaveTheSnapshotWholeAndPublishWhatRunPublishes(SparkSession spark, @TempDir Path dir)
      throws Exception {
    SampleRuns.Run previous = SampleRuns.full();
    SampleRuns.Run reference = SampleRuns.small();
    Path out = dir.resolve("out");
    copy(previous.out(), out);
    Map<String, Map<String, List<Object>>> snapshot = PublishedTables.read(spark, previous.out());
    PublishedTables.assertSame(snapshot, PublishedTables.read(spark, out), 0, "the copied snapshot");

    List<List<String>> plan = plan(dir, out);
    assertEquals(List.of("ingest", "exposure", "panel", "estimate", "publish"), plan.stream().map(c -> c.get(0)).toList());
    for (List<String> command : plan) {
      String stage = command.get(0);
      List<String> args = command.subList(1, command.size());
      Kill k = KILLS.get(stage);
      try (DriverProcess driver = DriverProcess.start(dir.resolve("killed-in-" + stage + ".log"), Map.of(), args)) {
        assertTrue(driver.await(k.at(), 20), stage + ": the trigger line never came:\n" + driver.output());
        if (k.delayShare() > 0) {
          Thread.sleep((long) (1000 * k.delayShare() * stageSeconds(reference, stage)));
        }
        assertFalse(driver.saw(l -> l.startsWith("[" + stage + "] done in")), stage + ": the stage ended before the kill");
        driver.sigkill();
        System.out.printf("driver SIGKILLed in %s at %.1f s%n", stage, driver.seconds());
      }
      PublishedTables.assertSame(snapshot, PublishedTables.read(spark, out), 0, "snapshot after a kill in " + stage);
      Launcher.Result retry = Launcher.run(dir.resolve("retried-" + stage + ".log"), args.toArray(String[]::new));
      assertEquals(0, retry.exitCode(), stage + ": the retry after the kill failed");
      if (!stage.equals("publish")) {
        PublishedTables.assertSame(snapshot, PublishedTables.read(spark, out), 0, "snapshot after " + stage + " was retried");
      }
    }
    PublishedTables.assertSame(PublishedTables.read(spark, reference.out()), PublishedTables.read(spark, out, RUN_ID), TOLERANCE,
        "the refresh's snapshot after the DAG's stages were each killed once and retried, vs an uninterrupted run");
    assertEquals(PublishedTables.currentRun(previous.out()), PublishedTables.currentRun(out), "CURRENT after a backfill refresh");
    PublishedTables.assertSame(snapshot, PublishedTables.read(spark, out), 0, "the current snapshot after a backfill refresh");
  }

  /**
   * Checks the commands module and the DAG, writes the small sample into {@code out} and returns the
   * refresh's commands: the stage, then bin/cercania's arguments. The small refresh is far smaller
   * than the full sample, so the volume guard (rightly) needs telling.
   */
  private static List<List<String>> plan(Path dir, Path out) throws Exception {
    Path plan = dir.resolve("plan.tsv");
    List<String> cmd = new ArrayList<>(List.of("python3", Repo.root().resolve("jobs/src/test/python/airflow_refresh.py").toString(),
        "--repo", Repo.root().toString(), "--out", out.toString(), "--as-of", "2026-09-30", "--run-id", RUN_ID,
        "--set", "cercania.ingest.max_volume_drop=1", "--plan", plan.toString(), "--"));
    cmd.addAll(SampleRuns.smallFlags());
    Path log = dir.resolve("airflow.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the DAG checks and the sample did not finish in 10 minutes");
    } finally {
      if (p.isAlive()) {
        Processes.kill(p.toHandle());
      }
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertEquals(0, p.exitValue(), "the DAG checks or the sample failed:\n" + output);
    assertTrue(output.contains("[airflow] DAG cercania_refresh parses"), output);
    List<List<String>> commands = new ArrayList<>();
    for (String line : Files.readAllLines(plan, StandardCharsets.UTF_8)) {
      commands.add(List.of(line.split("\t")));
    }
    return commands;
  }

  /** The stage's time in the reference run's log ({@code [stage] done in S s}). */
  private static double stageSeconds(SampleRuns.Run run, String stage) {
    Matcher m = Pattern.compile("\\[" + stage + "\\] done in ([0-9.]+) s").matcher(run.result().output());
    assertTrue(m.find(), "the reference run reported " + stage + "'s time");
    return Double.parseDouble(m.group(1));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
