package org.cercania.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.cercania.errors.Errors;
import org.cercania.io.Manifest;
import org.cercania.io.Run;
import org.cercania.io.Progress;
import org.cercania.io.TableSchema;

/**
 * The ingest stage: reads each given source, checks every row against its contract, and writes the
 * accepted rows to {@code OUT/curated/<source>} and the rest, with a reason code, to
 * {@code OUT/rejects} (Delta tables), the normalisations applied to accepted rows to
 * {@code OUT/fixes}, then records the reconciliation (read = accepted + rejected)
 * in the manifest. All sources are checked before anything is written, so a source over the
 * rejection threshold stops the job with no table changed.
 */
public final class IngestJob {
  /** Dependency order: references point backwards in this list. */
  public static final List<String> ORDER = List.of("districts", "population", "centers", "schools", "school_years", "survey",
      "femicides", "hospitalizations");

  private final SparkSession spark;
  private final String out;
  private final Run run;
  private final double maxRejectRate;
  /** The CRS each source's geometries were reprojected from (recorded in the manifest). */
  private final Map<String, String> crsBySource = new LinkedHashMap<>();

  public IngestJob(SparkSession spark, String out, String runId, double maxRejectRate) {
    this(spark, Run.of(out, runId), maxRejectRate);
  }

  /** Ingest for {@code run}: its rows of every table are replaced; rows after its as-of date are left out (and counted). */
  public IngestJob(SparkSession spark, Run run, double maxRejectRate) {
    this.spark = spark;
    this.out = run.out();
    this.run = run;
    this.maxRejectRate = maxRejectRate;
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
    Map<String, Dataset<Row>> checked = new LinkedHashMap<>();
    Map<String, Dataset<Row>> accepted = new LinkedHashMap<>();
    Map<String, Long> asOfLeftOut = new LinkedHashMap<>();
    List<SourceResult> results = new ArrayList<>();
    long fixEntries = 0;
    Dataset<Row> knownUbigeo = files.containsKey("districts") ? null : existing("districts", "ubigeo");
    for (String source : ORDER) {
      String file = files.get(source);
      if (file == null) {
        continue;
      }
      TableSchema contract = TableSchema.load(source);
      SourceOptions opt = options.getOrDefault(source, SourceOptions.DEFAULT);
      String format = opt.formatOf(file);
      Dataset<Row> text = read(format, source, file, contract, opt);
      text = generate(text, opt, file);
      Dataset<Row> d = ContractChecks.apply(text, contract);
      d = duplicates(d, contract);
      if (contract.columnNames().contains("lon") && contract.columnNames().contains("lat") && hasUbigeoRule(contract)) {
        Dataset<Row> polygons = accepted.containsKey("districts") ? accepted.get("districts")
            : run.curatedIfPresent(spark, "districts");
        if (polygons != null) {
          d = ContractChecks.locate(d, polygons);
        }
      }
      if (!source.equals("districts") && hasUbigeoRule(contract)) {
        if (knownUbigeo == null) {
          throw Errors.usage("cannot check the UBIGEO codes of " + source + ": no districts given and no curated districts in " + out);
        }
        d = references(d, "ubigeo", knownUbigeo, ReasonCode.UBIGEO_UNKNOWN, "is not in the district table");
      }
      for (TableSchema.ColumnSpec c : contract.columns()) {
        if (c.references() != null) {
          String[] ref = c.references().split("\\.");
          Dataset<Row> keys = accepted.containsKey(ref[0]) ? accepted.get(ref[0]).select(ref[1]) : existing(ref[0], ref[1]);
          if (keys == null) {
            throw Errors.usage("cannot check " + source + "." + c.name() + ": no " + ref[0] + " given and none curated in " + out);
          }
          d = references(d, c.name(), keys, ReasonCode.REFERENCE_UNKNOWN, "is not in " + ref[0]);
        }
      }
      d = d.persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> byReason = new java.util.TreeMap<>();
      long read = 0;
      long rejected = 0;
      long fixed = 0;
      Column fixCount = org.apache.spark.sql.functions.greatest(size(col(ContractChecks.FIXES)), lit(0));
      for (Row r : d.groupBy(col(ContractChecks.PROBLEM + ".reason"), fixCount.gt(0))
          .agg(org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.sum(fixCount)).collectAsList()) {
        read += r.getLong(2);
        if (!r.isNullAt(0)) {
          byReason.merge(r.getString(0), r.getLong(2), Long::sum);
          rejected += r.getLong(2);
        } else if (!r.isNullAt(1) && r.getBoolean(1)) {
          fixed += r.getLong(2);
          fixEntries += r.getLong(3);
        }
      }
      Dataset<Row> ok = typed(d.filter(col(ContractChecks.PROBLEM).isNull()), contract);
      asOfLeftOut.put(source, run.asOf() == null ? 0L : ok.filter(org.apache.spark.sql.functions.not(AsOf.known(contract, run.asOf()))).count());
      checked.put(source, d);
      accepted.put(source, AsOf.limit(ok, contract, run.asOf()));
      if (source.equals("districts")) {
        knownUbigeo = ok.select("ubigeo");
      }
      results.add(new SourceResult(source, file, read, read - rejected, rejected, fixed, byReason));
      progress.step(String.format(Locale.ROOT, "checked %s: accepted=%,d (fixed %,d) rejected=%,d%s", source, read - rejected,
          fixed, rejected,
          byReason.isEmpty() ? "" : " " + byReason) + (asOfLeftOut.get(source) > 0
          ? String.format(Locale.ROOT, "; %,d left out as after the as-of date %s", asOfLeftOut.get(source), run.asOf()) : ""), read);
    }
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
    ObjectNode section = Manifest.newSection();
    section.put("run_id", run.runId());
    section.put("study", run.study());
    section.put("as_of", run.asOf() == null ? "" : run.asOf().toString());
    ObjectNode sources = section.putObject("sources");
    // The curated tables are independent Delta commits: written concurrently (Spark runs the jobs
    // side by side, which overlaps their file-system latency).
    Map<String, Long> written = writeConcurrently(results, accepted);
    Dataset<Row> rejects = null;
    Dataset<Row> fixes = null;
    for (SourceResult r : results) {
      Dataset<Row> rj = rejectRows(checked.get(r.source()), r.source(), r.file());
      rejects = rejects == null ? rj : rejects.unionByName(rj);
      Dataset<Row> fx = fixRows(checked.get(r.source()), r.source(), r.file());
      fixes = fixes == null ? fx : fixes.unionByName(fx);
      long leftOut = asOfLeftOut.get(r.source());
      if (written.get(r.source()) + leftOut != r.accepted()) {
        throw Errors.reconciliation(r.source(), r.read(), written.get(r.source()), r.rejected());
      }
      ObjectNode s = sources.putObject(r.source());
      s.put("file", r.file());
      s.put("rows_read", r.read());
      s.put("rows_accepted", written.get(r.source()));
      s.put("rows_rejected", r.rejected());
      s.put("rows_fixed", r.fixed());
      s.put("rows_after_as_of", leftOut);
      if (crsBySource.containsKey(r.source())) {
        s.put("reprojected_from", crsBySource.get(r.source()));
      }
      ObjectNode br = s.putObject("rejected_by_reason");
      r.byReason().forEach(br::put);
      progress.step("wrote curated/" + r.source(), written.get(r.source()));
    }
    if (rejects != null) {
      long n = writeBySource("rejects", rejects, results);
      long expected = results.stream().mapToLong(SourceResult::rejected).sum();
      if (n != expected) {
        throw Errors.reconciliation("rejects", expected, 0, n);
      }
      progress.step("wrote rejects", n);
      long f = writeBySource("fixes", fixes, results);
      if (f != fixEntries) {
        throw Errors.reconciliation("fixes", fixEntries, f, 0);
      }
      progress.step("wrote fixes", f);
    }
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.dir(), "ingest", section);
    checked.values().forEach(Dataset::unpersist);
    progress.done();
    return results;
  }

  private Map<String, Long> writeConcurrently(List<SourceResult> results, Map<String, Dataset<Row>> accepted) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(4, results.size()));
    try {
      Map<String, java.util.concurrent.Future<Long>> futures = new LinkedHashMap<>();
      for (SourceResult r : results) {
        futures.put(r.source(), pool.submit(() -> run.write(accepted.get(r.source()), "curated/" + r.source(), null)));
      }
      Map<String, Long> written = new LinkedHashMap<>();
      for (Map.Entry<String, java.util.concurrent.Future<Long>> f : futures.entrySet()) {
        try {
          written.put(f.getKey(), f.getValue().get());
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing curated tables", e);
        }
      }
      return written;
    } finally {
      pool.shutdown();
    }
  }

  /** The file as text columns named as the contract's, one reader per format; geometries reprojected to lon/lat. */
  private Dataset<Row> read(String format, String source, String file, TableSchema contract, SourceOptions opt) {
    Dataset<Row> text;
    String crs = opt.crs();
    switch (format) {
      case "csv" -> text = SourceReader.read(spark, file, contract, opt.columns(), opt.generated(), opt.encoding());
      case "geojson" -> text = GeoJsonSource.read(spark, file, contract, opt.columns());
      case "parquet" -> {
        text = ParquetSource.read(spark, file, contract, opt.columns(), opt.generated());
        crs = crs != null ? crs : ParquetSource.geoParquetCrs(spark, file);
      }
      case "xlsx" -> text = XlsxSource.read(spark, file, contract, opt.columns(), opt.generated());
      case "shapefile" -> {
        text = ShapefileSource.read(spark, file, contract, opt.columns(), opt.encoding());
        crs = crs != null ? crs : ShapefileSource.prjCrs(spark, file);
      }
      default -> throw Errors.badOptionValue("--" + source.replace('_', '-') + "-format", format,
          String.join(", ", SourceOptions.FORMATS));
    }
    String geometry = contract.columns().stream().filter(c -> "wkt_polygon".equals(c.rule())).map(TableSchema.ColumnSpec::name)
        .findFirst().orElse(null);
    if (crs != null && geometry != null) {
      text = Reprojection.apply(text, geometry, crs, file);
      crsBySource.put(source, org.cercania.geo.Crs.name(crs));
    }
    return text;
  }

  /** Fills the columns the source's options generate (center ids, simulated opening dates). */
  private Dataset<Row> generate(Dataset<Row> text, SourceOptions opt, String file) {
    Dataset<Row> d = text;
    if (opt.generatedIds()) {
      d = d.withColumn("center_id", concat(lit("CEM-"), org.apache.spark.sql.functions.lpad(col(SourceReader.LINE).cast("string"),
          3, "0")));
    }
    if (opt.split() != null) {
      List<Column> perYear = new ArrayList<>();
      for (Map.Entry<Integer, String> y : new java.util.TreeMap<>(opt.split().years()).entrySet()) {
        if (!List.of(d.columns()).contains(y.getValue())) {
          throw Errors.missingColumn(file, y.getValue(), List.of(text.columns()).stream()
              .filter(c -> !c.startsWith("__") && !c.equals("year") && !c.equals("women") && !c.equals("men")).toList());
        }
        perYear.add(struct(lit(y.getKey().toString()).as("y"), org.apache.spark.sql.functions.trim(col(y.getValue())).as("t")));
      }
      Column total = col("__wide.t").cast("double");
      Column women = org.apache.spark.sql.functions.round(total.multiply(opt.split().womenShare()));
      d = d.withColumn("__wide", explode(org.apache.spark.sql.functions.array(perYear.toArray(Column[]::new))))
          .withColumn("year", col("__wide.y"))
          .withColumn("women", when(total.isNotNull(), women.cast("long").cast("string")).otherwise(col("__wide.t")))
          .withColumn("men", when(total.isNotNull(), org.apache.spark.sql.functions.round(total).minus(women).cast("long")
              .cast("string")).otherwise(col("__wide.t")))
          .drop("__wide");
    }
    if (opt.schedule() != null) {
      Map<Long, Boolean> police = new java.util.HashMap<>();
      for (Row r : d.select(col(SourceReader.LINE), col("modality")).collectAsList()) {
        police.put(r.getLong(0), CemSchedule.isPolice(r.isNullAt(1) ? null : r.getString(1)));
      }
      List<Row> dates = new ArrayList<>();
      opt.schedule().openings(police).forEach((line, day) -> dates.add(org.apache.spark.sql.RowFactory.create(line, day.toString())));
      Dataset<Row> opened = spark.createDataFrame(dates, org.apache.spark.sql.types.DataTypes.createStructType(List.of(
          org.apache.spark.sql.types.DataTypes.createStructField("__open_line", org.apache.spark.sql.types.DataTypes.LongType, false),
          org.apache.spark.sql.types.DataTypes.createStructField("__opened_on", org.apache.spark.sql.types.DataTypes.StringType,
              false))));
      d = d.join(broadcast(opened), col(SourceReader.LINE).equalTo(col("__open_line")), "left")
          .withColumn("opened_on", col("__opened_on")).drop("__open_line", "__opened_on");
    }
    return d;
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
    Column[] fields = java.util.Arrays.stream(d.columns()).filter(c -> !c.startsWith("__"))
        .map(c -> org.apache.spark.sql.functions.coalesce(col(c), lit(""))).toArray(Column[]::new);
    Column raw = java.util.Arrays.asList(d.columns()).contains(SourceReader.RAW) ? col(SourceReader.RAW)
        : when(col(SourceReader.CORRUPT).isNotNull(), col(SourceReader.CORRUPT))
            .otherwise(org.apache.spark.sql.functions.concat_ws(",", fields));
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

  /** Replaces this run's rows of this run's sources in OUT/{@code table} (other sources' rows stay), in one Delta commit. */
  private long writeBySource(String table, Dataset<Row> rows, List<SourceResult> results) {
    return run.write(rows, table, null, sourceIn(results));
  }
}
