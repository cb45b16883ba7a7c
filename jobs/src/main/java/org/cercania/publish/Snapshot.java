package org.cercania.publish;

import java.io.IOException;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cercania.errors.Errors;
import org.cercania.io.Pointer;
import org.cercania.io.RunLayout;

/**
 * The published layout: each run's snapshot in {@code OUT/published/<run_id>/<table>/} (built in a
 * hidden staging folder and renamed into place whole), and {@code OUT/published/CURRENT}, one line
 * naming the current run, written to a temporary file and renamed over the old pointer, last. A reader
 * reads CURRENT, then that run's folder: always one whole snapshot of one run.
 */
public final class Snapshot {
  private Snapshot() {}

  public static String root(String out) {
    return new RunLayout(out).published();
  }

  /** {@code OUT/published/<run_id>}. */
  public static String dir(String out, String runId) {
    return new RunLayout(out).publishedRun(runId);
  }

  /** A fresh hidden folder to build a run's snapshot in (readers list only run folders). */
  static String staging(String out, String runId) {
    return root(out) + "/.staging-" + runId + "-" + System.nanoTime();
  }

  /** The run CURRENT names, or null when nothing has been published under {@code out}. */
  public static String current(Configuration conf, String out) {
    return Pointer.read(conf, new RunLayout(out).current());
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
    Pointer.write(conf, new RunLayout(out).current(), runId);
  }
}
