package org.cercania.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;

/** Where a run's tables live under OUT, and reading them with a message that says which stage makes them. */
public final class Tables {
  private Tables() {}

  /** {@code OUT/curated/<source>}; an error naming the ingest stage when absent. */
  public static Dataset<Row> curated(SparkSession spark, String out, String source) {
    Dataset<Row> d = curatedIfPresent(spark, out, source);
    if (d == null) {
      throw Errors.usage("no curated table " + out + "/curated/" + source + "; run 'cercania ingest' for this --out first");
    }
    return d;
  }

  public static Dataset<Row> curatedIfPresent(SparkSession spark, String out, String source) {
    return deltaIfPresent(spark, out + "/curated/" + source);
  }

  /** A stage output {@code OUT/<name>}; an error naming the stage that writes it when absent. */
  public static Dataset<Row> stage(SparkSession spark, String out, String name, String writtenBy) {
    Dataset<Row> d = deltaIfPresent(spark, out + "/" + name);
    if (d == null) {
      throw Errors.usage("no table " + out + "/" + name + "; run 'cercania " + writtenBy + "' for this --out first");
    }
    return d;
  }

  public static Dataset<Row> deltaIfPresent(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path, "_delta_log");
      if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
        return null;
      }
    } catch (java.io.IOException e) {
      throw Errors.inputUnreadable(path, e.getMessage(), e);
    }
    return spark.read().format("delta").load(path);
  }
}
