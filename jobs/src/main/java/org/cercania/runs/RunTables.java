package org.cercania.runs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cercania.errors.Errors;
import org.cercania.io.RunLayout;

/** The Delta tables and the runs under an --out folder, found by listing it. */
public final class RunTables {
  /** Folders under OUT that are not stage tables. */
  private static final Set<String> NOT_TABLES = Set.of("published", "runs", "sample");

  private RunTables() {}

  /** Every Delta table under {@code out} (one or two levels deep: {@code panel}, {@code curated/centers}), sorted. */
  public static List<String> deltaTables(Configuration conf, String out) {
    List<String> tables = new ArrayList<>();
    try {
      Path root = new Path(out);
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return tables;
      }
      for (FileStatus d : fs.listStatus(root)) {
        String name = d.getPath().getName();
        if (!d.isDirectory() || NOT_TABLES.contains(name) || name.startsWith(".")) {
          continue;
        }
        if (fs.exists(new Path(d.getPath(), "_delta_log"))) {
          tables.add(name);
          continue;
        }
        for (FileStatus c : fs.listStatus(d.getPath())) {
          if (c.isDirectory() && fs.exists(new Path(c.getPath(), "_delta_log"))) {
            tables.add(name + "/" + c.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(out, e.getMessage(), e);
    }
    tables.sort(null);
    return tables;
  }

  /** The ids of the runs recorded under {@code OUT/runs} (each a folder with a manifest.json), sorted. */
  public static List<String> runIds(Configuration conf, String out) {
    List<String> ids = new ArrayList<>();
    try {
      Path root = new Path(new RunLayout(out).runs());
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return ids;
      }
      for (FileStatus d : fs.listStatus(root)) {
        if (d.isDirectory() && fs.exists(new Path(d.getPath(), "manifest.json"))) {
          ids.add(d.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(new RunLayout(out).runs(), e.getMessage(), e);
    }
    ids.sort(null);
    return ids;
  }
}
