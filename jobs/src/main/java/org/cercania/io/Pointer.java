package org.cercania.io;

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
 * A one-line file naming a run ({@code OUT/published/CURRENT}, {@code OUT/runs/LATEST}): written to a
 * temporary file beside it and renamed over it (an atomic replace), so a reader sees the old name or
 * the new one, never half of one.
 */
public final class Pointer {
  private Pointer() {}

  /** The run the pointer file {@code file} names, or null when there is no such file (or it is empty). */
  public static String read(Configuration conf, String file) {
    Path p = new Path(file);
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

  /** Points {@code file} at {@code runId}: the id written to a temporary file, renamed over {@code file}. */
  public static void write(Configuration conf, String file, String runId) {
    Path target = new Path(file);
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
    try {
      FileSystem fs = target.getFileSystem(conf);
      fs.mkdirs(target.getParent());
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
