package org.cercania.io;

import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;

/**
 * Every path under a run's output folder ({@code --out}), and reading the tables there with a
 * message that names the command that writes a missing one. No other class assembles these paths.
 *
 * <pre>
 * OUT/sample/            the embedded sample's input files (cercania sample)
 * OUT/curated/SOURCE     accepted rows per source (Delta; ingest)
 * OUT/rejects, fixes     quarantined rows and applied fixes (Delta; ingest)
 * OUT/exposure           unit x year distances, rings and cohorts (Delta; exposure)
 * OUT/district_exposure  district x year centers (Delta; exposure)
 * OUT/panel              outcome x unit x year (Delta; panel)
 * OUT/results/TABLE      estimates, event studies, diagnostics (Delta; estimate)
 * OUT/published/RUN_ID/TABLE  each run's Parquet snapshot for readers without Delta (publish)
 * OUT/published/CURRENT  the id of the current snapshot's run, written last (publish)
 * OUT/evidence           every published estimate of every run, with provenance (Delta; publish)
 * OUT/runs/RUN_ID/manifest.json  a run's manifest (every stage); OUT/runs/LATEST the run last ingested
 * OUT/.lock              the run lock (one run per --out)
 * </pre>
 */
public record RunLayout(String root) implements Serializable {

  public RunLayout {
    if (root == null || root.isBlank()) {
      throw Errors.usage("no output folder given (--out DIR)");
    }
    root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
  }

  public String sample(String file) {
    return root + "/sample/" + file;
  }

  public String curated(String source) {
    return root + "/curated/" + source;
  }

  public String rejects() {
    return root + "/rejects";
  }

  public String fixes() {
    return root + "/fixes";
  }

  public String exposure() {
    return root + "/exposure";
  }

  public String districtExposure() {
    return root + "/district_exposure";
  }

  public String panel() {
    return root + "/panel";
  }

  /** {@code OUT/results/<table>}: a table the estimate stage writes. */
  public String result(String table) {
    return root + "/results/" + table;
  }

  public String published() {
    return root + "/published";
  }

  public String published(String table) {
    return published() + "/" + table;
  }

  /** The manifest of the run before runs had ids; stages now record into {@link #runManifest(String)}. */
  public String manifest() {
    return root + "/manifest.json";
  }

  /** {@code OUT/runs}: one folder per run. */
  public String runs() {
    return root + "/runs";
  }

  /** {@code OUT/runs/<run_id>}. */
  public String run(String runId) {
    return runs() + "/" + runId;
  }

  /** {@code OUT/runs/<run_id>/manifest.json}: one run's manifest. */
  public String runManifest(String runId) {
    return run(runId) + "/manifest.json";
  }

  /** {@code OUT/published/<run_id>}: one run's published snapshot. */
  public String publishedRun(String runId) {
    return published() + "/" + runId;
  }

  /** {@code OUT/published/CURRENT}: names the current snapshot's run (written last by publish). */
  public String current() {
    return published() + "/CURRENT";
  }

  /** {@code OUT/runs/LATEST}: names the run last ingested (the later stages' run without --run-id). */
  public String latest() {
    return runs() + "/LATEST";
  }

  /** {@code OUT/.lock}: the run lock. */
  public String lock() {
    return root + "/.lock";
  }

  /** {@code OUT/evidence}. */
  public String evidence() {
    return root + "/evidence";
  }

  /** A table written directly under OUT (e.g. by the did or montecarlo commands). */
  public String table(String name) {
    return root + "/" + name;
  }

  /** The curated table of {@code source}; an error naming the ingest stage when absent. */
  public Dataset<Row> readCurated(SparkSession spark, String source) {
    Dataset<Row> d = curatedIfPresent(spark, source);
    if (d == null) {
      throw Errors.usage("no curated table " + curated(source) + "; run 'cercania ingest' for this --out first");
    }
    return d;
  }

  public Dataset<Row> curatedIfPresent(SparkSession spark, String source) {
    return deltaIfPresent(spark, curated(source));
  }

  /** The Delta table at {@code path} (one of this layout's); an error naming the command that writes it when absent. */
  public Dataset<Row> read(SparkSession spark, String path, String writtenBy) {
    Dataset<Row> d = deltaIfPresent(spark, path);
    if (d == null) {
      throw Errors.usage("no table " + path + "; run 'cercania " + writtenBy + "' for this --out first");
    }
    return d;
  }

  /**
   * The Delta table at {@code path}, or null when there is none: no {@code _delta_log}, or one
   * without a commit (a first write killed before its commit leaves such a log behind).
   */
  public static Dataset<Row> deltaIfPresent(SparkSession spark, String path) {
    try {
      Path log = new Path(path, "_delta_log");
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(log) || fs.listStatus(log, p -> p.getName().matches("\\d{20}\\.(json|checkpoint.*)")).length == 0) {
        return null;
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(path, e.getMessage(), e);
    }
    return spark.read().format("delta").load(path);
  }
}
