package org.cercania.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Manifest;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.publish.Snapshot;

/**
 * The runs under an --out folder: each run's identity (study, as-of date, git revision, settings hash),
 * its inputs (SHA-256, rows read), the Delta versions it committed to each table (found by the run id
 * each commit carries as userMetadata) and the rows it has in each table now.
 */
public final class RunHistory {
  private RunHistory() {}

  /** One input of a run. */
  public record Input(String file, String sha256, long rowsRead) {}

  /** One run: {@code versions} and {@code rows} by table (relative path under OUT). */
  public record Entry(String runId, String study, String asOf, String gitRevision, String configHash, String finishedAt,
      boolean current, boolean published, Map<String, Input> inputs, Map<String, List<Long>> versions, Map<String, Long> rows) {}

  public static List<Entry> of(SparkSession spark, String out) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, Map<String, List<Long>>> versions = new TreeMap<>();
    Map<String, Map<String, Long>> rows = new TreeMap<>();
    for (String table : RunTables.deltaTables(conf, out)) {
      String path = out + "/" + table;
      for (Row h : DeltaTable.forPath(spark, path).history().select("version", "userMetadata").orderBy("version").collectAsList()) {
        if (!h.isNullAt(1)) {
          versions.computeIfAbsent(h.getString(1), k -> new TreeMap<>()).computeIfAbsent(table, k -> new ArrayList<>()).add(h.getLong(0));
        }
      }
      if (List.of(spark.read().format("delta").load(path).columns()).contains(Run.RUN_ID)) {
        for (Row c : spark.read().format("delta").load(path).groupBy(Run.RUN_ID).count().collectAsList()) {
          rows.computeIfAbsent(c.getString(0), k -> new TreeMap<>()).put(table, c.getLong(1));
        }
      }
    }
    String current = Snapshot.current(conf, out);
    List<Entry> entries = new ArrayList<>();
    for (String id : RunTables.runIds(conf, out)) {
      JsonNode m = Manifest.read(conf, new RunLayout(out).runManifest(id));
      JsonNode r = m.path("run");
      Map<String, Input> inputs = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = r.path("inputs").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        inputs.put(e.getKey(), new Input(e.getValue().path("file").asText(), e.getValue().path("sha256").asText(),
            m.path("ingest").path("sources").path(e.getKey()).path("rows_read").asLong(-1)));
      }
      entries.add(new Entry(id, r.path("study").asText(""), r.path("as_of").asText(""), r.path("git_revision").asText(""),
          r.path("config_hash").asText(""), finishedAt(m), id.equals(current), !m.path("publish").isMissingNode(), inputs,
          versions.getOrDefault(id, Map.of()), rows.getOrDefault(id, Map.of())));
    }
    entries.sort(java.util.Comparator.comparing(Entry::finishedAt));
    return entries;
  }

  /** The latest finished_at of a manifest's sections (ISO instants sort as text). */
  static String finishedAt(JsonNode manifest) {
    String last = "";
    Iterator<JsonNode> it = manifest.elements();
    while (it.hasNext()) {
      String f = it.next().path("finished_at").asText("");
      if (f.compareTo(last) > 0) {
        last = f;
      }
    }
    return last;
  }
}
