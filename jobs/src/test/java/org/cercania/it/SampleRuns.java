package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.cercania.testing.Repo;

/**
 * The uninterrupted local-mode runs the integration tests compare with, each made once per test JVM
 * (failsafe runs every IT in one JVM) under jobs/target/it-runs: the README's full sample run, and a
 * small sample (seed {@link #SMALL_SEED}, sizes {@link #SMALL}) for the tests that run the pipeline
 * many times (driver kills, the Airflow commands).
 */
final class SampleRuns {
  /** Small-sample flags for {@code run --sample} / {@code sample}: a few seconds of Spark work per stage. */
  static final List<String> SMALL = List.of("--districts", "300", "--centers", "60", "--schools", "800", "--survey-clusters",
      "120", "--respondents", "4");
  static final String SMALL_SEED = "7";

  record Run(Path out, Launcher.Result result) {}

  private static Run full;
  private static Run small;

  private SampleRuns() {}

  /** {@code bin/cercania run --sample --report --out target/it-runs/full}. */
  static synchronized Run full() throws IOException, InterruptedException {
    if (full == null) {
      full = run("full", List.of("--report"));
    }
    return full;
  }

  /** {@code bin/cercania run --sample SMALL --seed SMALL_SEED --out target/it-runs/small}. */
  static synchronized Run small() throws IOException, InterruptedException {
    if (small == null) {
      small = run("small", smallFlags());
    }
    return small;
  }

  /** The small sample's flags with its seed. */
  static List<String> smallFlags() {
    List<String> f = new ArrayList<>(SMALL);
    f.addAll(List.of("--seed", SMALL_SEED));
    return f;
  }

  private static Run run(String name, List<String> flags) throws IOException, InterruptedException {
    Path out = Repo.root().resolve("jobs/target/it-runs").resolve(name);
    delete(out);
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("run", "--sample"));
    args.addAll(flags);
    args.addAll(List.of("--out", out.toString()));
    Launcher.Result r = Launcher.run(out.resolve("run.log"), args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), "reference run " + name + " failed");
    System.out.printf("reference %s sample run: %.1f s wall%n", name, r.seconds());
    return new Run(out, r);
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
