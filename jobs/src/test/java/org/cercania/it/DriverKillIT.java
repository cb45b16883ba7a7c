package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver SIGKILLed during each stage in turn. The run folder starts as a copy of the full
 * sample run (the snapshot analysts read); a refresh on the small sample (other seed and sizes, so
 * its numbers differ from every published one and a half-published snapshot cannot pass unseen) is
 * killed in ingest, then in exposure, panel, estimate and publish, each time in the same folder, so
 * every run starts on the debris of the one before. After each kill the snapshot a reader sees is
 * still the full sample's, whole; then one more run of the refresh completes, and its published
 * results equal the uninterrupted run of the same refresh ({@link SampleRuns#small()}).
 */
@ExtendWith(SparkExtension.class)
class DriverKillIT {
  /** Where in a stage the driver dies: the first line matching {@code at}, plus {@code delayShare} of the stage's reference time. */
  private record Kill(String stage, Predicate<String> at, double delayShare) {}

  private static final List<Kill> KILLS = List.of(
      new Kill("ingest", l -> l.startsWith("[ingest] wrote curated/"), 0),        // curated tables half written
      new Kill("exposure", l -> l.startsWith("[exposure] wrote exposure"), 0),    // district_exposure not yet
      new Kill("panel", l -> l.startsWith("[exposure] done in"), 1.0 / 3),      // a third into the panel's one write
      new Kill("estimate", l -> l.startsWith("[estimate] twfe by ring"), 0),      // results not yet written
      new Kill("publish", l -> l.startsWith("[publish] ") && !l.contains("done in"), 0)); // one table published, others not

  private static final double TOLERANCE = 1e-9;

  @Test
  void aKilledRefreshLeavesTheSnapshotWholeAndARerunMatchesAnUninterruptedRun(SparkSession spark, @TempDir Path dir)
      throws Exception {
    SampleRuns.Run previous = SampleRuns.full();
    SampleRuns.Run reference = SampleRuns.small();
    Path out = dir.resolve("out");
    copy(previous.out(), out);
    Map<String, Map<String, List<Object>>> snapshot = PublishedTables.read(spark, previous.out());
    PublishedTables.assertSame(snapshot, PublishedTables.read(spark, out), 0, "the copied snapshot");

    List<String> refresh = new ArrayList<>(List.of("run", "--sample"));
    refresh.addAll(SampleRuns.smallFlags());
    // The small refresh is far smaller than the full sample: the volume guard would (rightly) refuse it.
    refresh.addAll(List.of("--set", "cercania.ingest.max_volume_drop=1", "--out", out.toString()));
    for (Kill k : KILLS) {
      try (DriverProcess driver = DriverProcess.start(dir.resolve("killed-in-" + k.stage() + ".log"), Map.of(), refresh)) {
        assertTrue(driver.await(k.at(), 20), k.stage() + ": the trigger line never came:\n" + driver.output());
        if (k.delayShare() > 0) {
          Thread.sleep((long) (1000 * k.delayShare() * stageSeconds(reference, k.stage())));
        }
        assertFalse(driver.saw(l -> l.startsWith("[" + k.stage() + "] done in")), k.stage() + ": the stage ended before the kill");
        driver.sigkill();
        System.out.printf("driver SIGKILLed in %s at %.1f s%n", k.stage(), driver.seconds());
      }
      PublishedTables.assertSame(snapshot, PublishedTables.read(spark, out), 0, "snapshot after a kill in " + k.stage());
    }

    Launcher.Result rerun = Launcher.run(dir.resolve("rerun.log"), refresh.toArray(String[]::new));
    assertEquals(0, rerun.exitCode(), "the rerun after the kills failed");
    PublishedTables.assertSame(PublishedTables.read(spark, reference.out()), PublishedTables.read(spark, out), TOLERANCE,
        "rerun after the kills vs an uninterrupted run");
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
