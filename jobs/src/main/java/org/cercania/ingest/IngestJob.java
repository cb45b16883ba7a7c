package org.cercania.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
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
import org.cercania.io.Outputs;
import org.cercania.io.Progress;
import org.cercania.io.TableSchema;

/**
 * The ingest stage: reads each given source, checks every row against its contract, and writes the
 * accepted rows to {@code OUT/curated/<source>} and the rest, with a reason code, to
 * {@code OUT/rejects} (Delta tables), then records the reconciliation (read = accepted + rejected)
 * in the manifest. All sources are checked before anything is written, so a source over the
 * rejection threshold stops the job with no table changed.
 */
public final class IngestJob {
  /** Dependency order: references point backwards in this list. */
  public static final List<String> ORDER = List.of("districts", "population", "centers", "schools", "school_years", "survey",
      "femicides", "hospitalizations");

  private final SparkSession spark;
  private final String out;
  private final String runId;
  private final double maxRejectRate;

  public IngestJob(SparkSession spark, String out, String runId, double maxRejectRate) {
    this.spark = spark;
    this.out = out;
    this.runId = runId;
    this.maxRejectRate = maxRejectRate;
  }

  /** Result for one source. */
  public record SourceResult(String source, String file, long read, long accepted, long rejected, Map<String, Long> byReason) {}

  /** Ingests {@code files} (source name to path); returns per-source results in dependency order. */
  public List<SourceResult> run(Map<String, String> files) {
    Progress progress = new Progress("ingest");
    ContractChecks.register(spark);
    for (String s : files.keySet()) {
      if (!ORDER.contains(s)) {
        throw Errors.usage("unknown source '" + s + "'; sources are " + String.join(", ", ORDER));
      }
    }
    Map<String, Dataset<Row>> checked = new LinkedHashMap<>();
    Map<String, Dataset<Row>> accepted = new LinkedHashMap<>();
    List<SourceResult> results = new ArrayList<>();
    Dataset<Row> knownUbigeo = files.containsKey("districts") ? null : existing("districts", "ubigeo");
    for (String source : ORDER) {
      String file = files.get(source);
      if (file == null) {
        continue;
      }
      TableSchema contract = TableSchema.load(source);
      Dataset<Row> d = ContractChecks.apply(SourceReader.read(spark, file, contract), contract);
      d = duplicates(d, contract);
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
      for (Row r : d.groupBy(col(ContractChecks.PROBLEM + ".reason")).count().collectAsList()) {
        read += r.getLong(1);
        if (!r.isNullAt(0)) {
          byReason.put(r.getString(0), r.getLong(1));
          rejected += r.getLong(1);
        }
      }
      Dataset<Row> ok = typed(d.filter(col(ContractChecks.PROBLEM).isNull()), contract);
      checked.put(source, d);
      accepted.put(source, ok);
      if (source.equals("districts")) {
        knownUbigeo = ok.select("ubigeo");
      }
      results.add(new SourceResult(source, file, read, read - rejected, rejected, byReason));
      progress.step(String.format(Locale.ROOT, "checked %s: accepted=%,d rejected=%,d%s", source, read - rejected, rejected,
          byReason.isEmpty() ? "" : " " + byReason), read);
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
    section.put("run_id", runId);
    ObjectNode sources = section.putObject("sources");
    // The curated tables are independent Delta commits: written concurrently (Spark runs the jobs
    // side by side, which overlaps their file-system latency).
    Map<String, Long> written = writeConcurrently(results, accepted);
    Dataset<Row> rejects = null;
    for (SourceResult r : results) {
      Dataset<Row> rj = rejectRows(checked.get(r.source()), r.source(), r.file());
      rejects = rejects == null ? rj : rejects.unionByName(rj);
      if (written.get(r.source()) != r.accepted()) {
        throw Errors.reconciliation(r.source(), r.read(), written.get(r.source()), r.rejected());
      }
      ObjectNode s = sources.putObject(r.source());
      s.put("file", r.file());
      s.put("rows_read", r.read());
      s.put("rows_accepted", written.get(r.source()));
      s.put("rows_rejected", r.rejected());
      s.put("rows_fixed", 0);
      ObjectNode br = s.putObject("rejected_by_reason");
      r.byReason().forEach(br::put);
      progress.step("wrote curated/" + r.source(), written.get(r.source()));
    }
    if (rejects != null) {
      long n = writeRejects(rejects, results);
      long expected = results.stream().mapToLong(SourceResult::rejected).sum();
      if (n != expected) {
        throw Errors.reconciliation("rejects", expected, 0, n);
      }
      progress.step("wrote rejects", n);
    }
    Manifest.record(spark.sparkContext().hadoopConfiguration(), out, "ingest", section);
    checked.values().forEach(Dataset::unpersist);
    progress.done();
    return results;
  }

  private Map<String, Long> writeConcurrently(List<SourceResult> results, Map<String, Dataset<Row>> accepted) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(4, results.size()));
    try {
      Map<String, java.util.concurrent.Future<Long>> futures = new LinkedHashMap<>();
      for (SourceResult r : results) {
        futures.put(r.source(), pool.submit(() -> Outputs.writeDelta(accepted.get(r.source()), out + "/curated/" + r.source())));
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

  private boolean hasUbigeoRule(TableSchema contract) {
    return contract.columns().stream().anyMatch(c -> "ubigeo".equals(c.rule()));
  }

  /** Keys of an already curated table (from an earlier ingest run), or null. */
  private Dataset<Row> existing(String source, String column) {
    String path = out + "/curated/" + source;
    try {
      return spark.read().format("delta").load(path).select(column);
    } catch (Exception e) {
      return null;
    }
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
    Column raw = when(col(SourceReader.CORRUPT).isNotNull(), col(SourceReader.CORRUPT))
        .otherwise(org.apache.spark.sql.functions.concat_ws(",", fields));
    return TableSchema.load("rejects").conform(d.filter(col(ContractChecks.PROBLEM).isNotNull()).select(
        lit(runId).as("run_id"), lit(source).as("source"), lit(file).as("file"), col(SourceReader.LINE).as("line"),
        raw.as("raw"), col(ContractChecks.PROBLEM + ".reason").as("reason"),
        col(ContractChecks.PROBLEM + ".field").as("field"), col(ContractChecks.PROBLEM + ".message").as("message")));
  }

  /** Replaces this run's sources' rows in the rejects table (other sources' rows stay), in one Delta commit. */
  private long writeRejects(Dataset<Row> rejects, List<SourceResult> results) {
    String path = out + "/rejects";
    String in = results.stream().map(r -> "'" + r.source() + "'").reduce((a, b) -> a + ", " + b).orElse("''");
    boolean exists;
    try {
      spark.read().format("delta").load(path).limit(0).count();
      exists = true;
    } catch (Exception e) {
      exists = false;
    }
    if (exists) {
      rejects.write().format("delta").mode("overwrite").option("replaceWhere", "source IN (" + in + ")").save(path);
    } else {
      rejects.write().format("delta").mode("overwrite").save(path);
    }
    return spark.read().format("delta").load(path).filter("source IN (" + in + ")").count();
  }
}
