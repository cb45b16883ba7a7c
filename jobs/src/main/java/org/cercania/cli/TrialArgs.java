package org.cercania.cli;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.Outputs;
import org.cercania.io.TableSchema;

/** What the trial actions share: reading list and number options, and writing a table under its contract. */
final class TrialArgs {
  private TrialArgs() {}

  static int positive(Options o, String name, int dflt) {
    int v = o.integer(name, dflt);
    if (v < 1) {
      throw Errors.badOptionValue(name, Integer.toString(v), "a positive number");
    }
    return v;
  }

  static double number(Options o, String name) {
    try {
      return Double.parseDouble(o.get(name));
    } catch (NumberFormatException e) {
      throw Errors.badOptionValue(name, o.get(name), "a number");
    }
  }

  /** A comma-separated option as a list (blanks dropped). */
  static List<String> list(String v) {
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Writes rows as the Parquet table {@code out/table}, conformed to schemas/table.json. */
  static void write(SparkSession spark, List<Row> rows, String table, String out) {
    TableSchema s = TableSchema.load(table);
    Outputs.writeParquet(s.conform(spark.createDataFrame(rows, s.structType())), out + "/" + table);
  }
}
