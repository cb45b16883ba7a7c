package org.cercania.runs;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.publish.Snapshot;

/**
 * The retention setting ({@code cercania.retention}): runs that finished longer ago than it are deleted
 * from every stage table (one Delta DELETE per table), their published snapshot and run folder removed,
 * and then every table is vacuumed of files older than it, which ends time travel to those versions.
 * The CURRENT run, the runs in {@code keep} and the evidence table (the record of what was published) stay.
 */
public final class Retention {
  private Retention() {}

  /** Applies {@code retention} to {@code out}; returns the ids of the runs removed. */
  public static List<String> apply(SparkSession spark, String out, Duration retention, Set<String> keep) {
    Progress progress = new Progress("retention");
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    RunLayout layout = new RunLayout(out);
    Instant cutoff = Instant.now().minus(retention);
    String current = Snapshot.current(conf, out);
    List<String> old = new ArrayList<>();
    for (String id : RunTables.runIds(conf, out)) {
      String finished = RunHistory.finishedAt(Manifest.read(conf, layout.runManifest(id)));
      if (!id.equals(current) && !keep.contains(id) && !finished.isEmpty() && Instant.parse(finished).isBefore(cutoff)) {
        old.add(id);
      }
    }
    String in = old.stream().map(id -> "'" + id + "'").reduce((a, b) -> a + ", " + b).orElse(null);
    boolean check = spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", "true").equals("true");
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      for (String table : RunTables.deltaTables(conf, out)) {
        DeltaTable t = DeltaTable.forPath(spark, layout.table(table));
        if (in != null && !layout.table(table).equals(layout.evidence()) && List.of(t.toDF().columns()).contains(Run.RUN_ID)) {
          t.delete(Run.RUN_ID + " IN (" + in + ")");
        }
        t.vacuum(retention.toMillis() / 3_600_000.0);
      }
    } finally {
      spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", String.valueOf(check));
    }
    try {
      for (String id : old) {
        for (String dir : List.of(layout.publishedRun(id), layout.run(id))) {
          Path p = new Path(dir);
          p.getFileSystem(conf).delete(p, true);
        }
        progress.info("removed run " + id + " (older than " + retention + ")");
      }
    } catch (IOException e) {
      throw Errors.output(java.nio.file.Paths.get(out), e.getMessage(), e);
    }
    progress.step("tables vacuumed of files older than " + retention + "; runs removed", old.size());
    return old;
  }
}
