package org.cercania.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.Inputs;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.TableSchema;
import org.cercania.spark.SideBySide;

/**
 * The publish stage: the run's snapshot for readers without Delta, as plain Parquet under
 * {@code OUT/published/<run_id>/} (estimates, event_study, the effects by distance when estimated, truth when the study has one, manifest,
 * and manifest.json), built in a staging folder and renamed into place whole; then the evidence table;
 * then, last, the {@code CURRENT} pointer. Beside the estimates the snapshot holds what the notebooks draw
 * ({@link AnalystTables}: district exposure, center openings, district polygons, the ingest summary, the
 * diagnostics). Cells built from fewer than {@code minCellUnits} units are
 * published as null and marked (see {@link CellSuppression}).
 */
public final class PublishJob {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Published tables written at once. */
  private static final int WRITERS = 3;

  /** How publish treats the run: the small-cell threshold, the event window (to count units per event time), the pointer rule. */
  public record Rules(long minCellUnits, int eventMin, int eventMax, boolean alwaysCurrent) {}

  private final SparkSession spark;
  private final Run run;
  private final String truthFile;
  private final Rules rules;

  public PublishJob(SparkSession spark, Run run, String truthFile, Rules rules) {
    this.spark = spark;
    this.run = run;
    this.truthFile = truthFile;
    this.rules = rules;
  }

  public void run() {
    Progress progress = new Progress("publish");
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String staging = Snapshot.staging(run.out(), run.runId());
    Dataset<Row> panel = run.read(spark, run.layout().panel(), "panel");
    ObjectNode section = Manifest.newSection();
    ObjectNode rows = section.putObject("rows");
    ObjectNode suppressed = section.putObject("suppressed_rows");

    Dataset<Row> est = CellSuppression.withEstimateUnits(run.read(spark, run.layout().result("estimates"), "estimate"), panel,
        List.of("ring1", "ring2", "ring3"));
    Map<String, Callable<long[]>> writes = new LinkedHashMap<>();
    writes.put("estimates", () -> write(est, "estimates", "published_estimates", staging));
    Dataset<Row> ev = CellSuppression.withEventUnits(run.read(spark, run.layout().result("event_study"), "estimate"), panel,
        rules.eventMin(), rules.eventMax());
    writes.put("event_study", () -> write(ev, "event_study", "published_event_study", staging));
    // The effects by distance: a cell is identified by the band's treated units (n_treated); the event studies and
    // HonestDiD inputs, which have no count of their own, get their band's from ring_effects.
    Dataset<Row> ringEffects = run.readIfPresent(spark, run.layout().result("ring_effects"));
    for (String table : List.of("ring_effects", "ring_event_study", "ring_honest_did", "distance_curve")) {
      Dataset<Row> read = run.readIfPresent(spark, run.layout().result(table));
      if (read != null) {
        Dataset<Row> d = !table.equals("ring_event_study") && !table.equals("ring_honest_did") ? read
            : ringEffects == null ? read.withColumn("n_treated", lit(0L)) : CellSuppression.withRingUnits(read, ringEffects);
        writes.put(table, () -> write(d, table, "published_" + table, staging));
      }
    }
    if (truthFile != null) {
      Dataset<Row> truth = TableSchema.load("truth").conform(Inputs.readTable(spark, truthFile, "csv"));
      writes.put("truth", () -> write(truth, "truth", "published_truth", staging));
    }
    for (Map.Entry<String, Dataset<Row>> t : AnalystTables.build(spark, run, panel, progress).entrySet()) {
      writes.put(t.getKey(), () -> write(t.getValue(), t.getKey(), AnalystTables.contract(t.getKey()), staging));
    }
    // Independent Parquet files: written a few at a time; counted and reported in the order above.
    for (Map.Entry<String, long[]> w : SideBySide.run(writes, WRITERS).entrySet()) {
      String name = w.getKey();
      long n = w.getValue()[0];
      long s = w.getValue()[1];
      rows.put(name, n);
      if (s >= 0) {
        suppressed.put(name, s);
      }
      progress.step("published " + name + (s > 0 ? " (" + s + " rows with cells from fewer than " + rules.minCellUnits()
          + " units, suppressed)" : ""), n);
    }
    section.put("min_cell_units", rules.minCellUnits());
    section.put("snapshot", Snapshot.dir(run.out(), run.runId()));
    section.put("seconds", progress.seconds());
    Manifest.record(conf, run.manifest(), "publish", section);
    ObjectNode manifest = Manifest.read(conf, run.manifest());
    int hidden = suppressSmallCounts(manifest, rules.minCellUnits());
    writeManifest(manifest, staging);
    progress.step("published manifest" + (hidden > 0 ? " (" + hidden + " row counts of sources about people below "
        + rules.minCellUnits() + ", suppressed)" : ""), manifest.size());

    Snapshot.install(conf, run.out(), run.runId(), staging);
    String snapshot = Snapshot.dir(run.out(), run.runId());
    List<String> rings = new ArrayList<>();
    for (String table : List.of("ring_effects", "distance_curve")) {
      if (rows.has(table)) {
        rings.add(table);
      }
    }
    long evidence = Evidence.merge(spark, run, Evidence.Provenance.of(manifest), snapshot, rings);
    progress.step("merged into evidence (rows of this run)", evidence);
    String current = Snapshot.current(conf, run.out());
    if (rules.alwaysCurrent() || current == null || current.equals(run.runId()) || !isBackfill(conf, current)) {
      Snapshot.point(conf, run.out(), run.runId());
      progress.info("CURRENT -> " + run.runId() + " (" + Snapshot.dir(run.out(), run.runId()) + ")");
    } else {
      progress.info("CURRENT stays " + current + ": this run's as-of date " + run.asOf() + " is before the current snapshot's"
          + " (a backfill); --set cercania.publish.current=always makes it current");
    }
    progress.done();
  }

  /**
   * Suppresses small cells, conforms to {@code contract}, writes Parquet to {@code staging/<name>}; returns the rows
   * written and, of them, the suppressed ones (-1 when the table has no suppression mark).
   */
  private long[] write(Dataset<Row> frame, String name, String contract, String staging) {
    TableSchema c = TableSchema.load(contract);
    Dataset<Row> t = c.conform(CellSuppression.apply(frame, c, rules.minCellUnits()));
    if (!c.runColumns().isEmpty()) {
      t = run.tag(t);
    }
    t.coalesce(1).write().parquet(staging + "/" + name);
    Dataset<Row> back = spark.read().parquet(staging + "/" + name);
    boolean marked = List.of(back.columns()).contains(CellSuppression.SUPPRESSED);
    // rows and suppressed rows in one pass over what was written
    Row counts = back.agg(count(lit(1)), marked ? count(when(col(CellSuppression.SUPPRESSED), lit(1))) : lit(-1L)).first();
    return new long[] {counts.getLong(0), ((Number) counts.get(1)).longValue()};
  }

  /** True when {@code run}'s as-of date is before that of the snapshot {@code current} (which then stays current). */
  private boolean isBackfill(Configuration conf, String current) {
    if (run.asOf() == null) {
      return false;
    }
    String theirs = Manifest.read(conf, Snapshot.dir(run.out(), current) + "/manifest.json").path("run").path("as_of").asText("");
    return theirs.isEmpty() || run.asOf().isBefore(LocalDate.parse(theirs)); // the current one has no date: it knows everything
  }

  /**
   * The published manifest's k rule: a row count (rows_read, rows_rejected, ...) of an ingest source
   * about people (survey respondents, victims: {@link AnalystTables#aboutPeople}) from 1 to k-1 rows
   * becomes null, and the source gets {@code suppressed_counts} naming them. The run's own manifest
   * (runs/ID/manifest.json, not published) keeps them. Returns how many counts were nulled.
   */
  static int suppressSmallCounts(ObjectNode manifest, long k) {
    int hidden = 0;
    JsonNode sources = manifest.path("ingest").path("sources");
    Iterator<Map.Entry<String, JsonNode>> it = sources.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isObject() || !AnalystTables.aboutPeople(e.getKey())) {
        continue;
      }
      ObjectNode source = (ObjectNode) e.getValue();
      List<String> names = new ArrayList<>();
      source.fieldNames().forEachRemaining(names::add);
      List<String> nulled = new ArrayList<>();
      for (String name : names) {
        JsonNode v = source.get(name);
        if (name.startsWith("rows") && v.isIntegralNumber() && v.asLong() > 0 && v.asLong() < k) {
          source.putNull(name);
          nulled.add(name);
        }
      }
      if (!nulled.isEmpty()) {
        source.put("suppressed_counts", String.join(",", nulled));
        hidden += nulled.size();
      }
    }
    return hidden;
  }

  /** The manifest as {@code manifest.json} and as the Parquet table {@code manifest} (section, key, value). */
  private void writeManifest(ObjectNode manifest, String staging) {
    Path file = new Path(staging, "manifest.json");
    try (OutputStream o = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, false)) {
      o.write(JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw Errors.output(java.nio.file.Paths.get(file.toString()), e.getMessage(), e);
    }
    List<Row> rows = new ArrayList<>();
    flatten("", manifest, rows);
    spark.createDataFrame(rows, TableSchema.load("manifest").structType()).coalesce(1).write().parquet(staging + "/manifest");
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
            e.getValue().isNull() ? null : e.getValue().asText()));
      }
    }
  }
}
