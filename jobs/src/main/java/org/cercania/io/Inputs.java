package org.cercania.io;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;

/** Reading a user's table file whose format is told by its extension (or given). */
public final class Inputs {
  private Inputs() {}

  /** Reads a CSV (header, types inferred) or Parquet file or folder; Delta folders are read as Delta. */
  public static Dataset<Row> readTable(SparkSession spark, String path, String format) {
    boolean local = !path.contains("://");
    if (local && !Files.exists(Paths.get(path))) {
      throw Errors.inputMissing(path);
    }
    String f = format != null ? format : formatOf(path);
    try {
      switch (f) {
        case "csv":
          return spark.read().option("header", "true").option("inferSchema", "true").option("mode", "FAILFAST").csv(path);
        case "parquet":
          return spark.read().parquet(path);
        case "delta":
          return spark.read().format("delta").load(path);
        default:
          throw Errors.usage("cannot tell the format of " + path + " (" + f + "); name it .csv or .parquet, or give the format");
      }
    } catch (CercaniaException e) {
      throw e;
    } catch (Exception e) {
      throw Errors.inputUnreadable(path, String.valueOf(e.getMessage()).split("\n")[0], e);
    }
  }

  static String formatOf(String path) {
    String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
      return "csv";
    }
    if (p.endsWith(".parquet")) {
      return "parquet";
    }
    if (!p.contains("://") && Files.isDirectory(Paths.get(path))) {
      return Files.isDirectory(Paths.get(path, "_delta_log")) ? "delta" : "parquet";
    }
    return p.substring(p.lastIndexOf('.') + 1);
  }
}
