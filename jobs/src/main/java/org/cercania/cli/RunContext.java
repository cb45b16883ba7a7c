package org.cercania.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;
import org.cercania.io.Manifest;
import org.cercania.io.Run;
import org.cercania.runs.BuildInfo;
import org.cercania.runs.RunIdentity;
import org.cercania.runs.RunLock;

/**
 * Which run a command works on. Ingest (and {@code run}) starts a run: its id is {@code --run-id}, else
 * derived from the inputs' SHA-256, the settings hash and the as-of date ({@link RunIdentity}); it records
 * the run's identity in {@code OUT/runs/<run_id>/manifest.json} and names it in {@code OUT/runs/LATEST}.
 * The later stages work on {@code --run-id}, else on LATEST, with that run's study and as-of date.
 */
final class RunContext {
  static final String LATEST = "LATEST";

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

  /** Starts (or restarts) the run of {@code files} under settings {@code s}: its identity recorded, LATEST pointing at it. */
  static Run start(Options o, Settings s, Map<String, String> files, Configuration conf) {
    LocalDate asOf = asOf(s);
    RunIdentity id = RunIdentity.of(s, files, asOf, o.get("--run-id"), conf);
    Run run = new Run(s.string("cercania.out"), RunIdentity.study(s), id.runId(), asOf);
    ObjectNode section = Manifest.newSection();
    section.put("run_id", run.runId());
    section.put("study", run.study());
    section.put("as_of", asOf == null ? "" : asOf.toString());
    section.put("git_revision", BuildInfo.gitRevision());
    section.put("config_hash", id.configHash());
    ObjectNode inputs = section.putObject("inputs");
    files.forEach((source, file) -> inputs.putObject(source).put("file", file).put("sha256", id.inputSha256().get(source)));
    Manifest.record(conf, run.dir(), "run", section);
    writeLatest(conf, run);
    System.out.println("[run] " + run.runId() + " (study " + run.study() + ", as of " + (asOf == null ? "latest" : asOf)
        + ", settings " + id.configHash().substring(0, 12) + ", git " + BuildInfo.gitRevision() + ")");
    return run;
  }

  /** The run a later stage works on: --run-id, else the run last ingested into --out; with its study and as-of date. */
  static Run of(Options o, Settings s, Configuration conf) {
    String out = s.string("cercania.out");
    String id = o.get("--run-id") != null ? o.get("--run-id") : readLatest(conf, out);
    JsonNode r = Manifest.read(conf, out + "/runs/" + id).path("run");
    if (r.isMissingNode()) {
      throw Errors.usage("no run " + id + " under " + out + " (no " + out + "/runs/" + id + "/manifest.json); run 'cercania ingest' first");
    }
    String recorded = r.path("as_of").asText("");
    LocalDate asOf = recorded.isEmpty() ? null : LocalDate.parse(recorded);
    LocalDate given = asOf(s);
    if (given != null && !given.equals(asOf)) {
      throw Errors.usage("--as-of " + given + " but run " + id + " was ingested as of " + (asOf == null ? "latest" : asOf)
          + "; a run keeps its as-of date (ingest again with --as-of " + given + ")");
    }
    return new Run(out, r.path("study").asText(RunIdentity.study(s)), id, asOf);
  }

  /** The run lock of --out for {@code command} (a no-op when cercania.lock.enabled is false). */
  static AutoCloseable lock(Settings s, String command) {
    if (!s.flag("cercania.lock.enabled")) {
      return () -> { };
    }
    Duration stale = s.raw().getDuration("cercania.lock.stale_after");
    return RunLock.acquire(s.string("cercania.out"), stale, command);
  }

  private static void writeLatest(Configuration conf, Run run) {
    Path target = new Path(run.out() + "/runs", LATEST);
    Path tmp = new Path(run.out() + "/runs", "." + LATEST + ".tmp-" + System.nanoTime());
    try {
      FileSystem fs = target.getFileSystem(conf);
      try (OutputStream o = fs.create(tmp, true)) {
        o.write((run.runId() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
    } catch (IOException e) {
      throw Errors.output(java.nio.file.Paths.get(target.toString()), e.getMessage(), e);
    }
  }

  /** The run last started under {@code out} (OUT/runs/LATEST). */
  static String latest(Configuration conf, String out) {
    return readLatest(conf, out);
  }

  private static String readLatest(Configuration conf, String out) {
    Path p = new Path(out + "/runs", LATEST);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw Errors.usage("no run under " + out + " (no " + p + "); run 'cercania ingest --out " + out + "' first, or pass --run-id");
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(p, e.getMessage(), e);
    }
  }
}
