package org.cercania.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.io.TableSchema;

/**
 * What the notebooks' pictures need beside the estimates, none of it row-level survey or victim data:
 * district exposure by year, the centers (public offices) with their opening years, the district polygons,
 * the run's rejects and fixes counted by source, reason and field (the rejected rows hold raw
 * survey records and are never published), and the estimate stage's diagnostics (Goodman-Bacon, pre-trend
 * tests) when it wrote them. Each is conformed to its contract in schemas/.
 */
final class AnalystTables {
  private AnalystTables() {}

  /** A published table that is not its stage table's contract: the diagnostics' bacon carries the units of its groups. */
  private static final Map<String, String> PUBLISHED_CONTRACT = Map.of("bacon", "published_bacon");

  /** The contract a table {@link #build} returns is published under. */
  static String contract(String table) {
    return PUBLISHED_CONTRACT.getOrDefault(table, table);
  }

  /** Published name to table, in the order they are written; {@code panel}: the run's panel (units behind the diagnostics). */
  static Map<String, Dataset<Row>> build(SparkSession spark, Run run, Dataset<Row> panel, Progress progress) {
    RunLayout layout = run.layout();
    Map<String, Dataset<Row>> t = new LinkedHashMap<>();
    t.put("district_exposure", TableSchema.load("district_exposure").conform(run.read(spark, layout.districtExposure(), "exposure")));
    t.put("center_openings", TableSchema.load("center_openings")
        .conform(run.readCurated(spark, "centers").withColumn("opening_year", year(col("opened_on")))));
    t.put("district_polygons", TableSchema.load("district_polygons").conform(run.readCurated(spark, "districts")));
    t.put("ingest_summary", ingestSummary(spark, run));
    for (String[] d : List.of(new String[] {"bacon", "bacon_by_outcome"}, new String[] {"pretests", "pretests"})) {
      Dataset<Row> r = run.readIfPresent(spark, layout.result(d[0]));
      if (r == null) {
        progress.info("no results/" + d[0] + " (written by 'cercania estimate'): " + d[0] + " not published");
      } else {
        Dataset<Row> table = TableSchema.load(d[1]).conform(r);
        t.put(d[0], d[0].equals("bacon") ? CellSuppression.withBaconUnits(table, panel) : table);
      }
    }
    return t;
  }

  /** The run's rejects and fixes counted by source, reason and field; an empty table when ingest wrote neither. */
  static Dataset<Row> ingestSummary(SparkSession spark, Run run) {
    RunLayout layout = run.layout();
    TableSchema contract = TableSchema.load("ingest_summary");
    List<Dataset<Row>> parts = new ArrayList<>();
    for (String[] k : List.of(new String[] {layout.rejects(), "reject"}, new String[] {layout.fixes(), "fix"})) {
      Dataset<Row> rows = run.readIfPresent(spark, k[0]);
      if (rows != null) {
        parts.add(rows.withColumn("run_id", lit(run.runId())).withColumn("kind", lit(k[1])).withColumn("field", coalesce(col("field"), lit("")))
            .groupBy("run_id", "kind", "source", "reason", "field")
            .agg(count(lit(1)).as("rows"), countDistinct("file").as("files")));
      }
    }
    String[] columns = contract.columnNames().stream().filter(c -> !c.equals(CellSuppression.SUPPRESSED)).toArray(String[]::new);
    if (parts.isEmpty()) {
      return spark.createDataFrame(List.of(), contract.structType()).select(columns[0], Arrays.copyOfRange(columns, 1, columns.length));
    }
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.unionByName(parts.get(i));
    }
    List<String> aboutPeople = new ArrayList<>();
    for (Row r : all.select("source").distinct().collectAsList()) {
      if (aboutPeople(r.getString(0))) {
        aboutPeople.add(r.getString(0));
      }
    }
    all = all.withColumn("people", when(col("source").isin(aboutPeople.toArray()), col("rows")));
    return all.orderBy("kind", "source", "reason", "field").select(columns[0], Arrays.copyOfRange(columns, 1, columns.length));
  }

  /** A source whose rows are people: its contract says {@code "privacy": "private"}, or it has no contract (unknown: counted as people). */
  static boolean aboutPeople(String source) {
    try {
      return "private".equals(TableSchema.load(source).privacy());
    } catch (CercaniaException e) {
      return true;
    }
  }
}
