package org.cercania.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.cercania.errors.Errors;
import org.cercania.spark.SideBySide;
import org.cercania.io.Manifest;
import org.cercania.io.Pointer;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.io.TableSchema;

/**
 * The ingest stage: reads each given source, checks every row against its contract, and writes the
 * accepted rows to {@code OUT/curated/<source>} and the rest, with a reason code, to
 * {@code OUT/rejects} (Delta tables), the normalisations applied to accepted rows to
 * {@code OUT/fixes}, then records the reconciliation (read = accepted + rejected)
 * in the manifest. All sources are checked before anything is written, so a truncated file, a
 * source over the rejection threshold or one that shrank sharply against the previous run
 * ({@link VolumeGuard}) stops the job with no table changed.
 */
public final class IngestJob {
  /** Dependency order: references point backwards in this list. */
  public static final List<String> ORDER = List.of("districts", "population", "centers", "schools", "school_years", "survey",
      "femicides", "hospitalizations");

  /** Keys of the rejects and fixes writes beside the sources' (no source has these names). */
  private static final String REJECTS = "rejects";
  private static final String FIXES = "fixes";
  private final SparkSession spark;
  private final RunLayout layout;
  private final Run run;
  private final double maxRejectRate;
  private final SourceLoader loader;
  private VolumeGuard volumeGuard = VolumeGuard.OFF;

  public IngestJob(SparkSession spark, RunLayout layout, String runId, double maxRejectRate) {
    this(spark, new Run(layout, "default", runId, null), maxRejectRate);
  }

  /** Ingest for {@code run}: its rows of every table are replaced; rows after its as-of date are left out (and counted). */
  public IngestJob(SparkSession spark, Run run, double maxRejectRate) {
    this.spark = spark;
    this.layout = run.layout();
    this.run = run;
    this.maxRejectRate = maxRejectRate;
    this.loader = new SourceLoader(spark);
  }

  /** Compares each source's rows read with the previous run's manifest (default: no comparison). */
  public IngestJob volumeGuard(VolumeGuard guard) {
    this.volumeGuard = guard;
    return this;
  }

  /** Result for one source. */
  public record SourceResult(String source, String file, long read, long accepted, long rejected, long fixed,
      Map<String, Long> byReason) {}

  /** Ingests {@code files} (source name to path); returns per-source results in dependency order. */
  public List<SourceResult> run(Map<String, String> files) {
    return run(files, Map.of());
  }

  /** As {@link #run(Map)}, each source read as its {@link SourceOptions} say (format, column mapping, generated columns). */
  public List<SourceResult> run(Map<String, String> files, Map<String, SourceOptions> options) {
    Progress progress = new Progress("ingest");
    ContractChecks.register(spark);
    for (String s : files.keySet()) {
      if (!ORDER.contains(s)) {
        throw Errors.usage("unknown source '" + s + "'; sources are " + String.join(", ", ORDER));
      }
    }
    if (files.isEmpty()) {
      throw Errors.usage("no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    Map<String, Checked> checked = new LinkedHashMap<>();
    for (String source : ORDER) {
      if (files.containsKey(source)) {
        Checked c = check(source, files.get(source), options.getOrDefault(source, SourceOptions.DEFAULT), checked);
        checked.put(source, c);
        SourceResult r = c.result();
        progress.step(String.format(Locale.ROOT, "checked %s: accepted=%,d (fixed %,d) rejected=%,d%s%s", source, r.accepted(),
            r.fixed(), r.rejected(), r.byReason().isEmpty() ? "" : " " + r.byReason(), c.afterAsOf() == 0 ? ""
            : String.format(Locale.ROOT, "; %,d left out as after the as-of date %s", c.afterAsOf(), run.asOf())), r.read());
      }
    }
    List<SourceResult> results = checked.values().stream().map(Checked::result).toList();
    enforceRejectThreshold(results);
    volumeGuard.check(previousIngest(), results, progress);
    write(checked, progress);
    checked.values().forEach(c -> c.rows().unpersist());
    progress.done();
    return results;
  }

  /**
   * A source checked row by row: every row with its problem and fixes, the accepted rows typed, the tally,
   * and the accepted rows known at the run's as-of date (all of them without one) with the count left out.
   */
  private record Checked(Dataset<Row> rows, Dataset<Row> accepted, SourceResult result, long fixEntries, Dataset<Row> known,
      long afterAsOf) {
    Checked asOf(TableSchema contract, LocalDate date) {
      if (date == null) {
        return this;
      }
      long later = accepted.filter(not(AsOf.known(contract, date))).count();
      return new Checked(rows, accepted, result, fixEntries, AsOf.limit(accepted, contract, date), later);
    }
  }

  /** Reads and checks one source against its contract and the sources checked before it (or curated earlier). */
  private Checked check(String source, String file, SourceOptions opt, Map<String, Checked> before) {
    TableSchema contract = TableSchema.load(source);
    Dataset<Row> d = ContractChecks.apply(loader.load(source, file, contract, opt), contract);
    d = duplicates(d, contract);
    if (contract.columnNames().contains("lon") && contract.columnNames().contains("lat") && hasUbigeoRule(contract)) {
      Dataset<Row> polygons = before.containsKey("districts") ? before.get("districts").accepted()
          : run.curatedIfPresent(spark, "districts");
      if (polygons != null) {
        d = DistrictCheck.apply(d, polygons);
      }
    }
    if (!source.equals("districts") && hasUbigeoRule(contract)) {
      d = references(d, "ubigeo", keys(source, "ubigeo", "districts.ubigeo", before), ReasonCode.UBIGEO_UNKNOWN,
          "is not in the district table");
    }
    for (TableSchema.ColumnSpec c : contract.columns()) {
      if (c.references() != null) {
        d = references(d, c.name(), keys(source, c.name(), c.references(), before), ReasonCode.REFERENCE_UNKNOWN,
            "is not in " + c.references().split("\\.")[0]);
      }
    }
    d = d.persist(StorageLevel.MEMORY_AND_DISK());
    return tally(source, file, d, typed(d.filter(col(ContractChecks.PROBLEM).isNull()), contract)).asOf(contract, run.asOf());
  }

  /** The keys {@code table.column} a source's column refers to: checked in this run, else curated earlier. */
  private Dataset<Row> keys(String source, String column, String reference, Map<String, Checked> before) {
    String[] ref = reference.split("\\.");
    Dataset<Row> keys = before.containsKey(ref[0]) ? before.get(ref[0]).accepted().select(ref[1]) : existing(ref[0], ref[1]);
    if (keys == null) {
      throw Errors.usage("cannot check " + source + "." + column + ": no " + ref[0] + " given and none curated in " + layout.root());
    }
    return keys;
  }

  /** Counts rows read, rejected (by reason) and fixed in one aggregation. */
  private static Checked tally(String source, String file, Dataset<Row> d, Dataset<Row> accepted) {
    Map<String, Long> byReason = new TreeMap<>();
    long read = 0;
    long rejected = 0;
    long fixed = 0;
    long fixEntries = 0;
    Column fixCount = greatest(size(col(ContractChecks.FIXES)), lit(0));
    for (Row r : d.groupBy(col(ContractChecks.PROBLEM + ".reason"), fixCount.gt(0))
        .agg(count(lit(1)), sum(fixCount)).collectAsList()) {
      read += r.getLong(2);
      if (!r.isNullAt(0)) {
        byReason.merge(r.getString(0), r.getLong(2), Long::sum);
        rejected += r.getLong(2);
      } else if (!r.isNullAt(1) && r.getBoolean(1)) {
        fixed += r.getLong(2);
        fixEntries += r.getLong(3);
      }
    }
    return new Checked(d, accepted, new SourceResult(source, file, read, read - rejected, rejected, fixed, byReason), fixEntries,
        accepted, 0);
  }

  /** An empty source, or one with too many rejects, stops the job before anything is written. */
  private void enforceRejectThreshold(List<SourceResult> results) {
    for (SourceResult r : results) {
      if (r.read() == 0) {
        throw Errors.inputUnreadable(r.file(), "has a header but no data rows", null);
      }
      if ((double) r.rejected() / r.read() > maxRejectRate) {
        throw Errors.usage(String.format(Locale.ROOT, "%s (%s): %d of %d rows rejected (%.1f%%), above the %.1f%% threshold "
            + "(cercania.ingest.max_reject_rate); by reason: %s. Nothing was written.", r.source(), r.file(), r.rejected(),
            r.read(), 100.0 * r.rejected() / r.read(), 100 * maxRejectRate, r.byReason()));
      }
    }
  }

  /** Writes the curated tables, rejects and fixes, reconciles each count with what was written, records the manifest. */
  private void write(Map<String, Checked> checked, Progress progress) {
    List<SourceResult> results = checked.values().stream().map(Checked::result).toList();
    ObjectNode section = Manifest.newSection();
    section.put("run_id", run.runId());
    section.put("study", run.study());
    section.put("as_of", run.asOf() == null ? "" : run.asOf().toString());
    ObjectNode sources = section.putObject("sources");
    Dataset<Row> rejects = null;
    Dataset<Row> fixes = null;
    for (Checked c : checked.values()) {
      Dataset<Row> rj = rejectRows(c.rows(), c.result().source(), c.result().file());
      rejects = rejects == null ? rj : rejects.unionByName(rj);
      Dataset<Row> fx = fixRows(c.rows(), c.result().source(), c.result().file());
      fixes = fixes == null ? fx : fixes.unionByName(fx);
    }
    // The curated tables, rejects and fixes are independent Delta commits: written concurrently (Spark
    // runs the jobs side by side, which overlaps their file-system latency).
    Map<String, Callable<Long>> writes = new LinkedHashMap<>();
    for (Checked c : checked.values()) {
      writes.put(c.result().source(), () -> run.write(c.known(), layout.curated(c.result().source()), null));
    }
    Dataset<Row> allRejects = rejects;
    Dataset<Row> allFixes = fixes;
    writes.put(REJECTS, () -> writeBySource(layout.rejects(), allRejects, results));
    writes.put(FIXES, () -> writeBySource(layout.fixes(), allFixes, results));
    Map<String, Long> written = SideBySide.run(writes, 4);
    for (Checked c : checked.values()) {
      SourceResult r = c.result();
      if (written.get(r.source()) + c.afterAsOf() != r.accepted()) {
        throw Errors.reconciliation(r.source(), r.read(), written.get(r.source()), r.rejected());
      }
      manifestEntry(sources.putObject(r.source()), r).put("rows_after_as_of", c.afterAsOf());
      progress.step("wrote curated/" + r.source(), written.get(r.source()));
    }
    long n = written.get(REJECTS);
    long expected = results.stream().mapToLong(SourceResult::rejected).sum();
    if (n != expected) {
      throw Errors.reconciliation("rejects", expected, 0, n);
    }
    progress.step("wrote rejects", n);
    long fixEntries = checked.values().stream().mapToLong(Checked::fixEntries).sum();
    long f = written.get(FIXES);
    if (f != fixEntries) {
      throw Errors.reconciliation("fixes", fixEntries, f, 0);
    }
    progress.step("wrote fixes", f);
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.manifest(), "ingest", section);
    Pointer.write(spark.sparkContext().hadoopConfiguration(), layout.latest(), run.runId());
  }

  /**
   * The ingest section of the run ingested before this one (OUT/runs/LATEST, not yet moved to this run;
   * the manifest of the layout before runs had ids when no run is named), or null on a first run.
   */
  private JsonNode previousIngest() {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String previous = Pointer.read(conf, layout.latest());
    return Manifest.read(conf, previous == null ? layout.manifest() : layout.runManifest(previous)).get("ingest");
  }

  private ObjectNode manifestEntry(ObjectNode s, SourceResult r) {
    s.put("file", r.file());
    s.put("rows_read", r.read());
    s.put("rows_accepted", r.accepted());
    s.put("rows_rejected", r.rejected());
    s.put("rows_fixed", r.fixed());
    if (loader.reprojectedFrom(r.source()) != null) {
      s.put("reprojected_from", loader.reprojectedFrom(r.source()));
    }
    ObjectNode br = s.putObject("rejected_by_reason");
    r.byReason().forEach(br::put);
    return s;
  }

  private boolean hasUbigeoRule(TableSchema contract) {
    return contract.columns().stream().anyMatch(c -> "ubigeo".equals(c.rule()));
  }

  /** Keys of an already curated table (from an earlier ingest run), or null. */
  private Dataset<Row> existing(String source, String column) {
    Dataset<Row> d = run.curatedIfPresent(spark, source);
    return d == null ? null : d.select(column);
  }


  /** Later rows repeating an earlier row's key are DUPLICATE_ID (only rows that passed the row checks compete). */
  private static Dataset<Row> duplicates(Dataset<Row> d, TableSchema contract) {
    if (contract.key().isEmpty()) {
      return d;
    }
    List<Column> part = new ArrayList<>();
    part.add(col(ContractChecks.PROBLEM).isNull());
    contract.key().forEach(k -> part.add(col(ContractChecks.tmp(k))));
    WindowSpec w = Window.partitionBy(part.toArray(Column[]::new)).orderBy(col(SourceReader.LINE));
    Column dup = col(ContractChecks.PROBLEM).isNull().and(row_number().over(w).gt(1));
    return d.withColumn(ContractChecks.PROBLEM, when(dup, struct(lit(ReasonCode.DUPLICATE_ID.name()).as("reason"),
        lit(contract.key().get(0)).as("field"),
        concat(lit("key (" + String.join(", ", contract.key()) + ") repeats data row "), first(col(SourceReader.LINE)).over(w)
            .cast("string")).as("message"))).otherwise(col(ContractChecks.PROBLEM)));
  }

  private static Dataset<Row> references(Dataset<Row> d, String column, Dataset<Row> keys, ReasonCode reason, String what) {
    Dataset<Row> k = keys.select(col(keys.columns()[0]).as("__ref_key")).distinct().withColumn("__ref_found", lit(true));
    Dataset<Row> j = d.join(broadcast(k), col(ContractChecks.tmp(column)).equalTo(col("__ref_key")), "left");
    Column missing = col(ContractChecks.PROBLEM).isNull().and(col("__ref_found").isNull());
    return j.withColumn(ContractChecks.PROBLEM, when(missing, struct(lit(reason.name()).as("reason"), lit(column).as("field"),
        concat(lit(column + " '"), col(ContractChecks.tmp(column)), lit("' " + what)).as("message")))
        .otherwise(col(ContractChecks.PROBLEM))).drop("__ref_key", "__ref_found");
  }

  private static Dataset<Row> typed(Dataset<Row> d, TableSchema contract) {
    Column[] cols = contract.columns().stream().map(c -> col(ContractChecks.tmp(c.name())).cast(c.sparkType()).as(c.name()))
        .toArray(Column[]::new);
    return d.select(cols);
  }

  private Dataset<Row> rejectRows(Dataset<Row> d, String source, String file) {
    // The raw record, rebuilt for rejected rows only: the parser's text when it could not split the line.
    Column[] fields = Arrays.stream(d.columns()).filter(c -> !c.startsWith("__"))
        .map(c -> coalesce(col(c), lit(""))).toArray(Column[]::new);
    Column raw = Arrays.asList(d.columns()).contains(SourceReader.RAW) ? col(SourceReader.RAW)
        : when(col(SourceReader.CORRUPT).isNotNull(), col(SourceReader.CORRUPT))
            .otherwise(concat_ws(",", fields));
    return TableSchema.load("rejects").conform(d.filter(col(ContractChecks.PROBLEM).isNotNull()).select(
        lit(source).as("source"), lit(file).as("file"), col(SourceReader.LINE).as("line"),
        raw.as("raw"), col(ContractChecks.PROBLEM + ".reason").as("reason"),
        col(ContractChecks.PROBLEM + ".field").as("field"), col(ContractChecks.PROBLEM + ".message").as("message")));
  }

  /** One row per fix applied to an accepted row. */
  private Dataset<Row> fixRows(Dataset<Row> d, String source, String file) {
    return TableSchema.load("fixes").conform(d.filter(col(ContractChecks.PROBLEM).isNull())
        .select(col(SourceReader.LINE).as("line"), explode(col(ContractChecks.FIXES)).as("f"))
        .select(lit(source).as("source"), lit(file).as("file"), col("line"),
            col("f.field").as("field"), col("f.original").as("original"), col("f.fixed").as("fixed"),
            col("f.reason").as("reason")));
  }

  private static String sourceIn(List<SourceResult> results) {
    return "source IN (" + results.stream().map(r -> "'" + r.source() + "'").reduce((a, b) -> a + ", " + b).orElse("''") + ")";
  }

  /** Replaces this run's rows of this run's sources in the table at {@code path} (other sources' rows stay), in one Delta commit. */
  private long writeBySource(String path, Dataset<Row> rows, List<SourceResult> results) {
    return run.write(rows, path, null, sourceIn(results));
  }
}
