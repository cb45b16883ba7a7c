package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cercania.testing.Repo;

/**
 * What the HTML report of a run must hold (RunSampleIT calls it on the sample run's output, so the sample runs once):
 * the four notebooks executed without an error, each page with exactly the figures its notebook draws embedded,
 * each figure also written as a PNG, and an index linking the pages.
 */
final class ReportChecks {
  /** A picture embedded in the page (the template's own icons are CSS, not img elements). */
  private static final Pattern FIGURE = Pattern.compile("<img [^>]*src=\"data:image/png;base64,");

  private ReportChecks() {}

  /** Notebook to the figures it draws on every run (01 also draws the real Peru map when ../shared/data/peru is there). */
  static Map<String, List<String>> figures() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("01_rollout", new ArrayList<>(List.of("rollout_map", "open_centers_by_year")));
    m.put("02_effects", List.of("event_study", "event_study_all_outcomes", "effects_vs_truth"));
    m.put("03_distance", List.of("effect_by_ring", "distance_curve"));
    m.put("04_quality_diagnostics", List.of("ingest_quality", "stage_times", "bacon", "pretests"));
    if (Files.isRegularFile(Repo.root().resolve("../shared/data/peru/cem_directory_2026.csv"))) {
      m.get("01_rollout").add("peru_cem_directory");
    }
    return m;
  }

  static void assertReport(Path out) throws IOException, InterruptedException {
    Path dir = out.resolve("published/report");
    String index = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    for (Map.Entry<String, List<String>> nb : figures().entrySet()) {
      String name = nb.getKey();
      assertTrue(index.contains("href=\"" + name + ".html\""), "index.html links " + name);
      String html = Files.readString(dir.resolve(name + ".html"), StandardCharsets.UTF_8);
      assertEquals(nb.getValue().size(), FIGURE.matcher(html).results().count(), name + ".html: embedded figures");
      String executed = Files.readString(dir.resolve(name + ".ipynb"), StandardCharsets.UTF_8);
      assertFalse(executed.contains("\"output_type\": \"error\""), name + ": a cell failed");
      for (String fig : nb.getValue()) {
        Path png = dir.resolve("figures/" + fig + ".png");
        assertTrue(Files.isRegularFile(png) && Files.size(png) > 10_000, name + ": figure " + png);
      }
    }
    // The notebooks' helper: today's flat published/ and the published/<run>/ + CURRENT layout.
    Process py = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", "notebooks", "-p", "test_*.py")
        .directory(Repo.root().toFile()).redirectErrorStream(true).start();
    String pyOut = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, py.waitFor(), pyOut);
    assertTrue(pyOut.contains("OK"), pyOut);
    // The command on its own, with a Python that does not exist: a clear error, not a stack trace.
    Launcher.Result r = Launcher.run(out.resolve("report-nopython.log"), "report", "--out", out.toString(), "--python",
        "/nonexistent/python3");
    assertEquals(1, r.exitCode());
    assertTrue(r.output().contains("error [DEPENDENCY_MISSING]") && r.output().contains("--python"), r.output());
  }

}
