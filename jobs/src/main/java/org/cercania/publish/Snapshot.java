package org.cercania.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.cercania.errors.Errors;

/**
 * The published layout: each run's snapshot in {@code OUT/published/<run_id>/<table>/} (built in a
 * hidden staging folder and renamed into place whole), and {@code OUT/published/CURRENT}, one line
 * naming the current run, written to a temporary file and renamed over the old pointer, last. A reader
 * reads CURRENT, then that run's folder: always one whole snapshot of one run.
 */
public final class Snapshot {
  public static final String CURRENT = "CURRENT";

  private Snapshot() {}

  public static String root(String out) {
    return out + "/published";
  }

  /** {@code OUT/published/<run_id>}. */
  public static String dir(String out, String runId) {
    return root(out) + "/" + runId;
  }

  /** A fresh hidden folder to build a run's snapshot in (readers list only run folders). */
  static String staging(String out, String runId) {
    return root(out) + "/.staging-" + runId + "-" + System.nanoTime();
  }

  /** The run CURRENT names, or null when nothing has been published under {@code out}. */
  public static String current(Configuration conf, String out) {
    Path p = new Path(root(out), CURRENT);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        String id = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        return id.isEmpty() ? null : id;
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(p, e.getMessage(), e);
    }
  }

  /** Moves the built {@code staging} folder to {@code OUT/published/<run_id>}, replacing an earlier snapshot of the same run. */
  static void install(Configuration conf, String out, String runId, String staging) {
    Path target = new Path(dir(out, runId));
    Path old = new Path(root(out), ".replaced-" + runId + "-" + System.nanoTime());
    try {
      FileSystem fs = target.getFileSystem(conf);
      boolean had = fs.exists(target);
      if (had && !fs.rename(target, old)) {
        throw new IOException("could not move the earlier snapshot " + target + " aside");
      }
      if (!fs.rename(new Path(staging), target)) {
        if (had) {
          fs.rename(old, target);
        }
        throw new IOException("could not rename " + staging + " to " + target);
      }
      if (had) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      throw Errors.output(Paths.get(target.toString()), e.getMessage(), e);
    }
  }

  /** Points CURRENT at {@code runId}: the id written to a temporary file, renamed over CURRENT (atomic replace). */
  public static void point(Configuration conf, String out, String runId) {
    Path target = new Path(root(out), CURRENT);
    Path tmp = new Path(root(out), "." + CURRENT + ".tmp-" + System.nanoTime());
    try {
      FileSystem fs = target.getFileSystem(conf);
      if ("file".equals(fs.getUri().getScheme())) {
        java.nio.file.Path t = Paths.get(fs.makeQualified(target).toUri());
        java.nio.file.Path tm = t.resolveSibling(tmp.getName());
        Files.writeString(tm, runId + "\n", StandardCharsets.UTF_8);
        Files.move(tm, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return;
      }
      try (OutputStream o = fs.create(tmp, false)) {
        o.write((runId + "\n").getBytes(StandardCharsets.UTF_8));
      }
      FileContext.getFileContext(target.toUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw Errors.output(Paths.get(target.toString()), e.getMessage(), e);
    }
  }
}
