package org.cercania.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.Serializable;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;

/**
 * One run of the pipeline under {@code --out}: its study, its run id and its as-of date. Every stage
 * table under OUT holds the rows of many runs, told apart by the {@code study} and {@code run_id}
 * columns; a stage reads only its run's rows and replaces only its run's rows (Delta
 * {@code replaceWhere}), so rerunning a run leaves every table's content as it was and other runs
 * (a backfill, last quarter's refresh) untouched. Each commit carries the run id as its Delta
 * {@code userMetadata}, which is how {@code history} finds a run's versions.
 */
public record Run(RunLayout layout, String study, String runId, LocalDate asOf) implements Serializable {
  public static final String STUDY = "study";
  public static final String RUN_ID = "run_id";

  public Run {
    if (runId == null || !runId.matches("[A-Za-z0-9._-]{1,100}")) {
      throw Errors.badOptionValue("--run-id", String.valueOf(runId), "1-100 letters, digits, '.', '_' or '-'");
    }
    if (study == null || !study.matches("[A-Za-z0-9._-]{1,100}")) {
      throw Errors.badSetting("cercania.study", String.valueOf(study), "1-100 letters, digits, '.', '_' or '-'");
    }
  }

  /** A run of study {@code default} with no as-of date (library and test use). */
  public static Run of(String out, String runId) {
    return new Run(new RunLayout(out), "default", runId, null);
  }

  /** The --out folder. */
  public String out() {
    return layout.root();
  }

  /** {@code OUT/runs/<run_id>}: the run's manifest and records. */
  public String dir() {
    return layout.run(runId);
  }

  /** {@code OUT/runs/<run_id>/manifest.json}. */
  public String manifest() {
    return layout.runManifest(runId);
  }

  /** This run's rows of a table: {@code study = S AND run_id = R}. */
  public Column rows() {
    return col(STUDY).equalTo(lit(study)).and(col(RUN_ID).equalTo(lit(runId)));
  }

  private String predicate() {
    return STUDY + " = '" + study + "' AND " + RUN_ID + " = '" + runId + "'";
  }

  /** {@code OUT/curated/<source>}, this run's rows; an error naming the ingest stage when absent. */
  public Dataset<Row> readCurated(SparkSession spark, String source) {
    return read(spark, layout.curated(source), "ingest");
  }

  /** This run's rows of {@code OUT/curated/<source>}, or null when the run has none (the source was not given). */
  public Dataset<Row> curatedIfPresent(SparkSession spark, String source) {
    return ofRun(RunLayout.deltaIfPresent(spark, layout.curated(source)), true);
  }

  /** This run's rows of the stage table at {@code path} (without the run columns); an error naming the stage when absent. */
  public Dataset<Row> read(SparkSession spark, String path, String writtenBy) {
    Dataset<Row> d = ofRun(RunLayout.deltaIfPresent(spark, path), true);
    if (d == null) {
      throw Errors.usage("no rows of run " + runId + " (study " + study + ") in " + path + "; run 'cercania "
          + writtenBy + " --run-id " + runId + "' for this --out first");
    }
    return d;
  }

  /** This run's rows of the table at {@code path} (without the run columns), or null when the table is absent or has none. */
  public Dataset<Row> readIfPresent(SparkSession spark, String path) {
    return ofRun(RunLayout.deltaIfPresent(spark, path), true);
  }

  /** The run's rows, run columns dropped; null when the table is absent or has none of this run's rows. */
  private Dataset<Row> ofRun(Dataset<Row> table, boolean requireRows) {
    if (table == null || !java.util.List.of(table.columns()).contains(RUN_ID)) {
      return null;
    }
    Dataset<Row> mine = table.filter(rows()).drop(STUDY, RUN_ID);
    return requireRows && mine.isEmpty() ? null : mine;
  }

  /** {@code table} with this run's study and run id as its first two columns. */
  public Dataset<Row> tag(Dataset<Row> table) {
    Column[] cols = new Column[table.columns().length + 2];
    cols[0] = lit(study).as(STUDY);
    cols[1] = lit(runId).as(RUN_ID);
    int i = 2;
    for (String c : table.columns()) {
      if (!c.equals(STUDY) && !c.equals(RUN_ID)) {
        cols[i++] = col(c);
      }
    }
    return table.select(java.util.Arrays.copyOf(cols, i));
  }

  /**
   * Replaces this run's rows of the Delta table at {@code path} (one of the layout's) with {@code table} (tagged with the run
   * columns, conformed to contract {@code contract} when given) in one commit; returns the run's rows
   * now in the table. A table written before runs had ids (no run_id column) is replaced whole.
   */
  public long write(Dataset<Row> table, String path, String contract) {
    return write(table, path, contract, null);
  }

  /** As {@link #write(Dataset, String, String)}, replacing only this run's rows that also match SQL {@code where}. */
  public long write(Dataset<Row> table, String path, String contract, String where) {
    String scope = where == null ? predicate() : predicate() + " AND (" + where + ")";
    Dataset<Row> tagged = tag(contract == null ? table : TableSchema.load(contract).conform(table));
    SparkSession spark = table.sparkSession();
    Dataset<Row> existing = RunLayout.deltaIfPresent(spark, path);
    boolean legacy = existing != null && !java.util.List.of(existing.columns()).contains(RUN_ID);
    try {
      var w = tagged.write().format("delta").mode(SaveMode.Overwrite).option("userMetadata", runId);
      if (legacy) {
        w.option("overwriteSchema", "true").save(path);
      } else {
        w.partitionBy(RUN_ID).option("replaceWhere", scope).save(path);
      }
    } catch (Exception e) {
      throw Errors.output(new java.io.File(path).toPath(), String.valueOf(e.getMessage()).split("\n")[0], e);
    }
    Long committed = rowsCommitted(spark, path);
    return committed != null ? committed : spark.read().format("delta").load(path).filter(scope).count();
  }

  /**
   * The rows this run's latest commit to the Delta table at {@code path} wrote (its commit's numOutputRows: the
   * commit replaced every row of the run in scope, so these are the run's rows now in scope), read from the
   * table's history without scanning it; null when the history holds no such metric (metrics disabled).
   */
  private Long rowsCommitted(SparkSession spark, String path) {
    Long rows = null;
    long version = -1;
    for (Row h : io.delta.tables.DeltaTable.forPath(spark, path).history(20).select("version", "userMetadata", "operationMetrics")
        .collectAsList()) {
      java.util.Map<String, String> metrics = h.isNullAt(2) ? null : h.getJavaMap(2);
      if (runId.equals(h.getString(1)) && h.getLong(0) > version) {
        version = h.getLong(0);
        String n = metrics == null ? null : metrics.get("numOutputRows");
        rows = n == null ? null : Long.valueOf(n);
      }
    }
    return rows;
  }

}
