package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher's usage surface: every command has --help, bad usage exits 2 with a message. */
class MainTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
  }

  @Test
  void everyCommandPrintsItsHelp() {
    List<String> names = List.of("sample", "ingest", "exposure", "panel", "estimate", "publish", "run", "did");
    assertEquals(names, List.copyOf(Main.commands().keySet()));
    for (String c : names) {
      Run r = run(c, "--help");
      assertEquals(0, r.code(), c);
      assertTrue(r.out().startsWith("usage: cercania " + c + " "), r.out());
      assertTrue(r.out().contains("--help"), c);
    }
    Run top = run("--help");
    assertEquals(0, top.code());
    for (String c : names) {
      assertTrue(top.out().contains("  " + c + " "), c);
    }
  }

  @Test
  void badUsageSaysWhatIsWrong() {
    Run unknown = run("frobnicate");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("cercania: unknown command 'frobnicate'"), unknown.err());

    Run missing = run("did", "--input", "x.csv");
    assertEquals(2, missing.code());
    assertEquals("cercania did: error [USAGE]: cercania did: missing required option --estimator (see 'cercania did --help')\n",
        missing.err());

    Run noValue = run("sample", "--out");
    assertEquals(2, noValue.code());
    assertEquals("cercania sample: error [USAGE]: cercania sample: option --out needs a value DIR\n", noValue.err());

    Run badEstimator = run("did", "--estimator", "ols", "--input", "x.csv");
    assertEquals(2, badEstimator.code());
    assertTrue(badEstimator.err().contains("option --estimator has value 'ols', expected one of twfe, event-study, cs"),
        badEstimator.err());

    Run missingFile = run("exposure", "--centers", "/nonexistent/c.csv", "--units", "/nonexistent/u.csv", "--from", "2006",
        "--to", "2008", "--out", "/tmp/x");
    assertEquals(3, missingFile.code());
    assertTrue(missingFile.err().contains("input file not found: /nonexistent/c.csv"), missingFile.err());
  }
}
