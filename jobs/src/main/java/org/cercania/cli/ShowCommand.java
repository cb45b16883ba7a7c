package org.cercania.cli;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.Run;
import org.cercania.io.SparkSessions;
import org.cercania.io.RunLayout;
import org.cercania.publish.Snapshot;

/**
 * {@code cercania show TABLE}: a table of a past run, read through Delta time travel when needed.
 * {@code --version N} reads the table as it was at version N; {@code --run-id ID} the run's rows (at the
 * latest version that has them: a run removed since, or replaced, is read at its own last version).
 */
public final class ShowCommand implements Command {
  @Override
  public String name() {
    return "show";
  }

  @Override
  public String summary() {
    return "Print a stage table (e.g. results/estimates) of a run: --run-id ID (default CURRENT) or --version N (Delta time travel).";
  }

  @Override
  public Options options() {
    return new Options(name(), "--table NAME --out DIR [--run-id ID | --version N] [--limit N]")
        .value("--out", "DIR", "the run folder")
        .value("--table", "NAME", "table under OUT, e.g. results/estimates, panel, curated/centers, evidence")
        .value("--run-id", "ID", "the run whose rows to show (default: the CURRENT published run)")
        .value("--version", "N", "the table's Delta version to read")
        .value("--limit", "N", "rows to print", "20");
  }

  @Override
  public int run(Options o) {
    String out = o.require("--out").replaceAll("/+$", "");
    SparkSession spark = SparkSessions.get("cercania show");
    Dataset<Row> d = read(spark, out, o.require("--table"), o.get("--run-id"), o.get("--version") == null ? null
        : o.longValue("--version", -1));
    System.out.println("[show] " + o.get("--table") + ": rows=" + d.count());
    d.show(o.integer("--limit", 20), false);
    return 0;
  }

  /** The rows of {@code table} for {@code runId} (null: CURRENT, or every row when --version is given) at {@code version} (null: see class doc). */
  static Dataset<Row> read(SparkSession spark, String out, String table, String runId, Long version) {
    String path = new RunLayout(out).table(table);
    if (RunLayout.deltaIfPresent(spark, path) == null) {
      throw Errors.usage("no Delta table " + path);
    }
    String id = runId != null || version != null ? runId : Snapshot.current(spark.sparkContext().hadoopConfiguration(), out);
    Long v = version;
    if (v == null && id != null && spark.read().format("delta").load(path).filter(Run.RUN_ID + " = '" + id + "'").isEmpty()) {
      List<Row> mine = DeltaTable.forPath(spark, path).history().filter("userMetadata = '" + id + "'")
          .orderBy(org.apache.spark.sql.functions.col("version").desc()).select("version").limit(1).collectAsList();
      if (mine.isEmpty()) {
        throw Errors.usage("run " + id + " never wrote " + path + " (see 'cercania history --out " + out + "')");
      }
      v = mine.get(0).getLong(0);
    }
    Dataset<Row> d = v == null ? spark.read().format("delta").load(path)
        : spark.read().format("delta").option("versionAsOf", v).load(path);
    return id == null ? d : d.filter(Run.RUN_ID + " = '" + id + "'");
  }
}
