package org.cercania.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Inputs;
import org.cercania.io.Manifest;
import org.cercania.io.Outputs;
import org.cercania.io.Progress;
import org.cercania.io.TableSchema;
import org.cercania.io.RunLayout;

/**
 * The publish stage: plain Parquet snapshots under {@code OUT/published/} for notebooks and other
 * readers without Delta (estimates, event_study, the effects by distance when estimated, truth when the study has one, the map, quality and
 * diagnostics tables of {@link AnalystTables}, manifest), each written beside and renamed into place so a
 * reader never sees half a table.
 */
public final class PublishJob {
  private final SparkSession spark;
  private final RunLayout layout;
  private final String truthFile;

  public PublishJob(SparkSession spark, RunLayout layout, String truthFile) {
    this.spark = spark;
    this.layout = layout;
    this.truthFile = truthFile;
  }

  public void run() {
    Progress progress = new Progress("publish");
    for (String table : List.of("estimates", "event_study")) {
      Dataset<Row> t = TableSchema.load(table).conform(layout.read(spark, layout.result(table), "estimate"));
      Outputs.writeParquet(t.coalesce(1), layout.published(table));
      progress.step("published " + table, spark.read().parquet(layout.published(table)).count());
    }
    List<String> distance = new ArrayList<>();
    for (String table : List.of("ring_effects", "ring_event_study", "ring_honest_did", "distance_curve")) {
      Dataset<Row> d = RunLayout.deltaIfPresent(spark, layout.result(table));
      if (d != null) {
        Outputs.writeParquet(TableSchema.load(table).conform(d).coalesce(1), layout.published(table));
        progress.step("published " + table, spark.read().parquet(layout.published(table)).count());
        distance.add(table);
      }
    }
    if (truthFile != null) {
      Dataset<Row> truth = TableSchema.load("truth").conform(Inputs.readTable(spark, truthFile, "csv"));
      Outputs.writeParquet(truth.coalesce(1), layout.published("truth"));
      progress.step("published truth", spark.read().parquet(layout.published("truth")).count());
    }
    Map<String, Dataset<Row>> extra = AnalystTables.build(spark, layout, progress);
    for (Map.Entry<String, Dataset<Row>> t : extra.entrySet()) {
      Outputs.writeParquet(t.getValue().coalesce(1), layout.published(t.getKey()));
      progress.step("published " + t.getKey(), spark.read().parquet(layout.published(t.getKey())).count());
    }
    ObjectNode section = Manifest.newSection();
    section.put("tables", (truthFile == null ? "estimates, event_study, " : "estimates, event_study, truth, ")
        + String.join(", ", extra.keySet()) + (distance.isEmpty() ? "" : ", " + String.join(", ", distance)) + ", manifest");
    Manifest.record(spark.sparkContext().hadoopConfiguration(), layout, "publish", section);
    ObjectNode manifest = Manifest.read(spark.sparkContext().hadoopConfiguration(), layout);
    List<Row> rows = new ArrayList<>();
    flatten("", manifest, rows);
    Dataset<Row> m = spark.createDataFrame(rows, TableSchema.load("manifest").structType());
    Outputs.writeParquet(m.coalesce(1), layout.published("manifest"));
    progress.step("published manifest", rows.size());
    progress.done();
  }

  /** The manifest as (section, key, value) rows: section = stage, key = dotted path inside it. */
  private static void flatten(String prefix, JsonNode node, List<Row> rows) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flatten(path, e.getValue(), rows);
      } else {
        int dot = path.indexOf('.');
        rows.add(RowFactory.create(dot < 0 ? path : path.substring(0, dot), dot < 0 ? "" : path.substring(dot + 1),
            e.getValue().asText()));
      }
    }
  }
}
