package org.cercania.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;
import org.cercania.io.RunLayout;

/**
 * {@code cercania report}: executes the notebooks (notebooks/*.ipynb) on one run's published tables with
 * Python (nbclient), and renders each to static HTML with its pictures inline (nbconvert) under
 * {@code OUT/published/report/}, with an index.html linking them. Python does the work
 * (notebooks/report.py); this command finds it, checks its packages and passes the run as CERCANIA_OUT.
 */
public final class ReportCommand implements Command {
  /** Python modules the notebooks and the renderer import (notebooks/requirements.txt installs them). */
  static final List<String> MODULES = List.of("pandas", "pyarrow", "matplotlib", "geopandas", "shapely", "duckdb", "nbformat",
      "nbclient", "nbconvert", "ipykernel");

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "Execute the notebooks on a run's published tables and render them to static HTML under OUT/published/report.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--out DIR [--notebooks DIR] [--python EXE] [--timeout S]")
        .value("--out", "DIR", "the run's output folder (the --out of 'cercania run')")
        .value("--notebooks", "DIR", "folder holding the notebooks and report.py (default: notebooks/ of the checkout, "
            + "from CERCANIA_HOME, else of the current directory)")
        .value("--python", "EXE", "Python 3 interpreter", "python3")
        .value("--timeout", "S", "seconds a notebook cell may run", "600");
  }

  @Override
  public int run(Options o) {
    render(o.require("--out"), o.get("--notebooks"), o.get("--python"), o.integer("--timeout", 600));
    return 0;
  }

  /** Renders the report of the run under {@code out}; {@code notebooks} null for the default folder. */
  static void render(String out, String notebooks, String python, int timeout) {
    Progress progress = new Progress("report");
    File dir = notebooksDir(notebooks);
    File script = new File(dir, "report.py");
    if (!script.isFile()) {
      throw Errors.inputMissing(script);
    }
    RunLayout layout = new RunLayout(new File(out).getAbsolutePath());
    if (!new File(layout.published()).isDirectory()) {
      throw Errors.usage("no published tables under " + layout.published() + "; run 'cercania run' (or 'publish') with --out "
          + out + " first");
    }
    String missing = missingModules(python);
    if (!missing.isEmpty()) {
      throw Errors.missingDependency("Python package(s) " + missing, "install them with: " + python + " -m pip install -r "
          + new File(dir, "requirements.txt"));
    }
    List<String> cmd = List.of(python, script.getAbsolutePath(), "--out", layout.root(), "--timeout", String.valueOf(timeout));
    int code = run(cmd, dir, layout.root(), System.out::println);
    if (code != 0) {
      throw Errors.output(new File(layout.published("report")).toPath(), "a notebook failed (report.py exit code " + code
          + "; its error is printed above)", null);
    }
    progress.info("report: " + layout.published("report") + "/index.html");
    progress.done();
  }

  static File notebooksDir(String given) {
    if (given != null) {
      return new File(given);
    }
    String home = System.getenv("CERCANIA_HOME");
    return home != null && !home.isBlank() ? new File(home, "notebooks") : new File("notebooks");
  }

  /** The modules of {@link #MODULES} the interpreter cannot import, space-separated (empty when all are there). */
  static String missingModules(String python) {
    String probe = "import importlib.util, sys\n"
        + "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))\n";
    List<String> cmd = new ArrayList<>(List.of(python, "-c", probe));
    cmd.addAll(MODULES);
    StringBuilder text = new StringBuilder();
    int code = run(cmd, null, null, line -> text.append(line).append('\n'));
    if (code != 0) {
      throw Errors.missingDependency("a working " + python + " (exit code " + code + ": " + text.toString().trim() + ")",
          "install Python 3 or pass --python EXE");
    }
    return text.toString().trim();
  }

  /** Runs a command with CERCANIA_OUT set (when {@code out} is given), each output line to {@code sink}. */
  private static int run(List<String> cmd, File dir, String out, java.util.function.Consumer<String> sink) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir);
    }
    if (out != null) {
      pb.environment().put("CERCANIA_OUT", out);
    }
    try {
      Process p = pb.start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          sink.accept(line);
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      throw Errors.missingDependency(cmd.get(0) + " (" + e.getMessage() + ")", "install Python 3 or pass --python EXE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.usage("interrupted while running " + String.join(" ", cmd));
    }
  }
}
