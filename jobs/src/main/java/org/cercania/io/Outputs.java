package org.cercania.io;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;

/**
 * Writing tables so that a reader never sees half of one: Delta tables commit atomically by their
 * log; plain Parquet snapshots are written to a hidden sibling folder and renamed into place.
 */
public final class Outputs {
  private Outputs() {}

  /** Overwrites the Delta table at {@code path} in one transaction (a reader sees the old or the new version). */
  public static long writeDelta(Dataset<Row> table, String path) {
    try {
      table.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true").save(path);
    } catch (Exception e) {
      throw Errors.output(new File(path).toPath(), String.valueOf(e.getMessage()).split("\n")[0], e);
    }
    return table.sparkSession().read().format("delta").load(path).count();
  }

  /** Writes a Parquet snapshot at {@code path}: to {@code .path.tmp-<nanos>}, then renamed over the old one. */
  public static void writeParquet(Dataset<Row> table, String path) {
    Configuration conf = table.sparkSession().sparkContext().hadoopConfiguration();
    Path target = new Path(path);
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
    Path old = new Path(target.getParent(), "." + target.getName() + ".old-" + System.nanoTime());
    try {
      FileSystem fs = target.getFileSystem(conf);
      table.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
      boolean hadOld = fs.exists(target);
      if (hadOld && !fs.rename(target, old)) {
        throw new IOException("could not move the previous " + target + " aside");
      }
      if (!fs.rename(tmp, target)) {
        if (hadOld) {
          fs.rename(old, target);
        }
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      if (hadOld) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      throw Errors.output(new File(path).toPath(), e.getMessage(), e);
    } catch (RuntimeException e) {
      try {
        tmp.getFileSystem(conf).delete(tmp, true);
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
      if (e instanceof CercaniaException) {
        throw e;
      }
      throw Errors.output(new File(path).toPath(), String.valueOf(e.getMessage()).split("\n")[0], e);
    }
  }
}
