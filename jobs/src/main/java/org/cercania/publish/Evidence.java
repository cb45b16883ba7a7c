package org.cercania.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Run;
import org.cercania.io.TableSchema;
import org.cercania.io.RunLayout;

/**
 * The evidence table, {@code OUT/evidence} (Delta, contract {@code evidence}): every estimate every run
 * published, with the run's provenance (as-of date, git revision, settings hash, input checksums).
 * Rows are merged on the contract's key, so a rerun updates its own rows and never adds duplicates.
 */
final class Evidence {
  static final String TABLE = "evidence";

  private Evidence() {}

  /** The provenance columns of a run, from the "run" section of its manifest. */
  record Provenance(String asOf, String gitRevision, String configHash, String inputsSha256) {
    static Provenance of(JsonNode manifest) {
      JsonNode r = manifest.path("run");
      List<String> inputs = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = r.path("inputs").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        inputs.add(e.getKey() + "=" + e.getValue().path("sha256").asText());
      }
      String asOf = r.path("as_of").asText("");
      return new Provenance(asOf.isEmpty() ? "latest" : asOf, r.path("git_revision").asText("unknown"),
          r.path("config_hash").asText("unknown"), String.join(";", inputs));
    }
  }

  /**
   * Merges the estimates and event studies {@code run} published in {@code snapshot}, and the published
   * effects by distance named in {@code rings} (ring_effects, distance_curve: one row per outcome,
   * estimator and band or bin, term {@code band_LO_HI} in metres or {@code district}), into
   * OUT/evidence; returns the run's rows there.
   */
  static long merge(SparkSession spark, Run run, Provenance p, String snapshot, List<String> rings) {
    String published = "published/" + run.runId() + "/";
    Dataset<Row> estimates = spark.read().parquet(snapshot + "/estimates");
    Dataset<Row> events = spark.read().parquet(snapshot + "/event_study");
    Dataset<Row> e = estimates.select(lit("estimate").as("kind"), col("family"), col("outcome"), col("estimator"), col("term"),
        col("estimate"), col("se"), col("conf_low"), col("conf_high"), col("cell_units"), col(CellSuppression.SUPPRESSED),
        lit(published + "estimates").as("published_table"));
    Dataset<Row> v = events.select(lit("event_study").as("kind"), col("family"), col("outcome"), lit("event-study").as("estimator"),
        concat(lit("e="), col("event_time").cast("string")).as("term"), col("estimate"), col("se"), col("conf_low"),
        col("conf_high"), col("cell_units"), col(CellSuppression.SUPPRESSED), lit(published + "event_study").as("published_table"));
    Dataset<Row> all = e.unionByName(v);
    for (String table : rings) {
      Dataset<Row> r = spark.read().parquet(snapshot + "/" + table);
      Column term = when(col("ring_lower_m").isNull(), lit("district")).otherwise(concat(lit("band_"),
          round(col("ring_lower_m")).cast("long").cast("string"), lit("_"), round(col("ring_upper_m")).cast("long").cast("string")));
      all = all.unionByName(r.select(lit(table.equals("ring_effects") ? "ring_effect" : "distance_curve").as("kind"), col("family"),
          col("outcome"), col("estimator"), term.as("term"), col("estimate"), col("se"), col("conf_low"), col("conf_high"),
          col("n_treated").as("cell_units"), col(CellSuppression.SUPPRESSED), lit(published + table).as("published_table")));
    }
    TableSchema contract = TableSchema.load(TABLE);
    Dataset<Row> rows = run.tag(contract.conform(all.withColumn("as_of", lit(p.asOf()))
        .withColumn("git_revision", lit(p.gitRevision())).withColumn("config_hash", lit(p.configHash()))
        .withColumn("inputs_sha256", lit(p.inputsSha256()))));
    String path = run.layout().evidence();
    String previous = spark.conf().get("spark.databricks.delta.commitInfo.userMetadata", "");
    spark.conf().set("spark.databricks.delta.commitInfo.userMetadata", run.runId());
    try {
      if (RunLayout.deltaIfPresent(spark, path) == null) {
        rows.write().format("delta").mode("errorifexists").option("userMetadata", run.runId()).save(path);
      } else {
        StringBuilder on = new StringBuilder();
        for (String k : contract.key()) {
          on.append(on.length() == 0 ? "" : " AND ").append("t.").append(k).append(" = s.").append(k);
        }
        DeltaTable.forPath(spark, path).as("t").merge(rows.as("s"), on.toString())
            .whenMatched().updateAll().whenNotMatched().insertAll().execute();
      }
    } finally {
      if (previous.isEmpty()) {
        spark.conf().unset("spark.databricks.delta.commitInfo.userMetadata");
      } else {
        spark.conf().set("spark.databricks.delta.commitInfo.userMetadata", previous);
      }
    }
    return spark.read().format("delta").load(path).filter(run.rows()).count();
  }
}
