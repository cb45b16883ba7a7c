package org.cercania.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;
import org.cercania.io.Manifest;
import org.cercania.io.Pointer;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.runs.BuildInfo;
import org.cercania.runs.RunIdentity;
import org.cercania.runs.RunLock;

/**
 * Which run a command works on. Ingest (and {@code run}) starts a run: its id is {@code --run-id}, else
 * derived from the inputs' SHA-256, the settings hash and the as-of date ({@link RunIdentity}); it records
 * the run's identity in {@code OUT/runs/<run_id>/manifest.json}; ingest names it in {@code OUT/runs/LATEST} once it
 * has written the run's tables.
 * The later stages work on {@code --run-id}, else on LATEST, with that run's study and as-of date.
 */
final class RunContext {
  private RunContext() {}

  /** The options of every command that works on a run. */
  static Options add(Options o) {
    return o.value("--run-id", "ID", "the run to make or work on (default: ingest derives it from the inputs' SHA-256, "
        + "the settings and --as-of; later stages take the run last ingested into --out)")
        .value("--as-of", "DATE", "use only what was known at this date (yyyy-mm-dd): centers opened and outcome years "
            + "after it are left out (a backfill: run --as-of 2019-12-31)");
  }

  /** The as-of date of the settings (cercania.as_of), or null. */
  static LocalDate asOf(Settings s) {
    String v = s.has("cercania.as_of") ? s.string("cercania.as_of").trim() : "";
    if (v.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw Errors.badOptionValue("--as-of", v, "a date yyyy-mm-dd");
    }
  }

  /** The settings of a run as of {@code asOf}: the study window ends in its year at the latest. */
  static Settings limited(Settings s, LocalDate asOf) {
    if (asOf == null) {
      return s;
    }
    int to = Math.min(s.integer("cercania.years.to"), asOf.getYear());
    return s.with(Map.of("cercania.as_of", asOf.toString(), "cercania.years.to", String.valueOf(to)));
  }

  /** Starts (or restarts) the run of {@code files} under settings {@code s}: its identity recorded in its manifest. */
  static Run start(Options o, Settings s, Map<String, String> files, Configuration conf) {
    LocalDate asOf = asOf(s);
    RunIdentity id = RunIdentity.of(s, files, asOf, o.get("--run-id"), conf);
    Run run = new Run(new RunLayout(s.string("cercania.out")), RunIdentity.study(s), id.runId(), asOf);
    ObjectNode section = Manifest.newSection();
    section.put("run_id", run.runId());
    section.put("study", run.study());
    section.put("as_of", asOf == null ? "" : asOf.toString());
    section.put("git_revision", BuildInfo.gitRevision());
    section.put("config_hash", id.configHash());
    ObjectNode inputs = section.putObject("inputs");
    files.forEach((source, file) -> inputs.putObject(source).put("file", file).put("sha256", id.inputSha256().get(source)));
    Manifest.record(conf, run.manifest(), "run", section);
    System.out.println("[run] " + run.runId() + " (study " + run.study() + ", as of " + (asOf == null ? "latest" : asOf)
        + ", settings " + id.configHash().substring(0, 12) + ", git " + BuildInfo.gitRevision() + ")");
    return run;
  }

  /** The run a later stage works on: --run-id, else the run last ingested into --out; with its study and as-of date. */
  static Run of(Options o, Settings s, Configuration conf) {
    String out = s.string("cercania.out");
    String id = o.get("--run-id") != null ? o.get("--run-id") : latest(conf, out);
    JsonNode r = Manifest.read(conf, new RunLayout(out).runManifest(id)).path("run");
    if (r.isMissingNode()) {
      throw Errors.usage("no run " + id + " under " + out + " (no " + new RunLayout(out).runManifest(id) + "); run 'cercania ingest' first");
    }
    String recorded = r.path("as_of").asText("");
    LocalDate asOf = recorded.isEmpty() ? null : LocalDate.parse(recorded);
    LocalDate given = asOf(s);
    if (given != null && !given.equals(asOf)) {
      throw Errors.usage("--as-of " + given + " but run " + id + " was ingested as of " + (asOf == null ? "latest" : asOf)
          + "; a run keeps its as-of date (ingest again with --as-of " + given + ")");
    }
    return new Run(new RunLayout(out), r.path("study").asText(RunIdentity.study(s)), id, asOf);
  }

  /** The run lock of --out for {@code command} (a no-op when cercania.lock.enabled is false). */
  static AutoCloseable lock(Settings s, String command) {
    if (!s.flag("cercania.lock.enabled")) {
      return () -> { };
    }
    Duration stale = s.raw().getDuration("cercania.lock.stale_after");
    return RunLock.acquire(s.string("cercania.out"), stale, command);
  }

  /** The run last ingested under {@code out} (OUT/runs/LATEST); a usage error when there is none. */
  static String latest(Configuration conf, String out) {
    String id = Pointer.read(conf, new RunLayout(out).latest());
    if (id == null) {
      throw Errors.usage("no run under " + out + " (no " + new RunLayout(out).latest() + "); run 'cercania ingest --out " + out
          + "' first, or pass --run-id");
    }
    return id;
  }
}
