package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.cercania.testing.Console;
import org.junit.jupiter.api.Test;

/** The launcher's usage surface: every command has --help, bad usage exits 2 with a message. */
class MainTest {


  private static Console.Run run(String... args) {
    return Console.main(args);
  }


  @Test
  void everyCommandPrintsItsHelp() {
    List<String> names = List.of("sample", "ingest", "exposure", "panel", "estimate", "publish", "run", "report", "history", "show", "vacuum", "did", "montecarlo", "trial", "validate", "bench");
    assertEquals(names, List.copyOf(Main.commands().keySet()));
    for (String c : names) {
      Console.Run r = run(c, "--help");
      assertEquals(0, r.code(), c);
      assertTrue(r.out().startsWith("usage: cercania " + c + " "), r.out());
      assertTrue(r.out().contains("--help"), c);
    }
    Console.Run top = run("--help");
    assertEquals(0, top.code());
    for (String c : names) {
      assertTrue(top.out().contains("  " + c + " "), c);
    }
  }

  @Test
  void aStudyWithoutOutcomeSourcesIsRefusedBeforeItStarts() {
    // the peru study names districts, centers and population only: nothing to estimate
    Console.Run r = run("run", "--study", "peru", "--out", "/tmp/cercania-no-outcomes");
    assertEquals(2, r.code());
    assertEquals("cercania run: error [USAGE]: study 'peru' names no outcome source: its cercania.inputs are districts, population,"
        + " centers, none of school_years, survey, femicides, hospitalizations; there would be nothing to estimate. Add one to the"
        + " study or give it with --set cercania.inputs.SOURCE=FILE\n", r.err());
    assertEquals(false, Files.exists(Paths.get("/tmp/cercania-no-outcomes")));
  }

  @Test
  void anUnknownEstimatorForTheTreatedClustersDegreesOfFreedomIsRefusedBeforeItStarts() {
    Console.Run r = run("run", "--sample", "--set", "cercania.distance.treated_clusters_df=[imputation,ols]", "--out",
        "/tmp/cercania-bad-df");
    assertEquals(2, r.code());
    assertEquals("cercania run: error [USAGE]: setting 'cercania.distance.treated_clusters_df' is 'ols', expected twfe or one of"
        + " [cs, sun-abraham, imputation]\n", r.err());
    assertEquals(false, Files.exists(Paths.get("/tmp/cercania-bad-df")));
  }

  @Test
  void trialActionsPrintTheirHelp() {
    for (String a : List.of("assign", "estimate", "montecarlo")) {
      Console.Run r = run("trial", a, "--help");
      assertEquals(0, r.code(), a);
      assertTrue(r.out().startsWith("usage: cercania trial " + a + " "), r.out());
    }
    Console.Run unknown = run("trial", "shuffle");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("cercania trial: unknown action 'shuffle'"), unknown.err());
  }

  @Test
  void badUsageSaysWhatIsWrong() {
    Console.Run unknown = run("frobnicate");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("cercania: unknown command 'frobnicate'"), unknown.err());

    Console.Run missing = run("did", "--input", "x.csv");
    assertEquals(2, missing.code());
    assertEquals("cercania did: error [USAGE]: missing required option --estimator (see 'cercania did --help')\n",
        missing.err());

    Console.Run noValue = run("sample", "--out");
    assertEquals(2, noValue.code());
    assertEquals("cercania sample: error [USAGE]: option --out needs a value DIR\n", noValue.err());

    Console.Run badEstimator = run("did", "--estimator", "ols", "--input", "x.csv");
    assertEquals(2, badEstimator.code());
    assertTrue(badEstimator.err().contains("option --estimator has value 'ols', expected one of twfe, event-study, cs"),
        badEstimator.err());

    Console.Run missingFile = run("exposure", "--centers", "/nonexistent/c.csv", "--units", "/nonexistent/u.csv", "--from", "2006",
        "--to", "2008", "--out", "/tmp/x");
    assertEquals(3, missingFile.code());
    assertTrue(missingFile.err().contains("input file not found: /nonexistent/c.csv"), missingFile.err());
  }
}
