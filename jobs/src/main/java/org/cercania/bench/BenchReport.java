package org.cercania.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Outputs;
import org.cercania.io.TableSchema;

/**
 * The benchmark's outputs: {@code DIR/bench.parquet} (contract schemas/bench.json) and
 * {@code DIR/bench.md}, a markdown table with the command line, the machine and the Spark settings,
 * for the README to embed; and the progress line of one measurement.
 */
public final class BenchReport {
  private static final double MIB = 1024.0 * 1024.0;

  private BenchReport() {}

  /** One measurement as a progress line. */
  public static String line(Measurement m) {
    Reading r = m.reading();
    return String.format(Locale.ROOT, "%s %s on %,d rows: %.2f s wall, %.2f s CPU, %.1fx the floor%s%s", m.name(), m.mode(), m.rows(),
        r.seconds(), r.cpuSeconds(), m.ratioToFloor(), r.peakRssBytes() < 0 ? "" : String.format(Locale.ROOT, ", peak RSS %.0f MiB",
            r.peakRssBytes() / MIB), m.agrees() == null ? "" : m.agrees() ? ", output agrees" : ", OUTPUT DIFFERS");
  }

  /** Writes bench.parquet and bench.md under {@code dir}; returns the markdown. */
  public static String write(SparkSession spark, Path dir, List<Measurement> ms, String commandLine, String sparkSettings)
      throws IOException {
    TableSchema schema = TableSchema.load("bench");
    List<Row> rows = new ArrayList<>();
    for (Measurement m : ms) {
      rows.add(row(m, sparkSettings));
    }
    Outputs.writeParquet(schema.conform(spark.createDataFrame(rows, schema.structType())), dir.resolve("bench.parquet").toString());
    String md = markdown(ms, commandLine, sparkSettings);
    Files.writeString(dir.resolve("bench.md"), md);
    return md;
  }

  private static Row row(Measurement m, String sparkSettings) {
    Reading r = m.reading();
    return RowFactory.create(m.name(), m.mode(), m.rows(), r.seconds(), r.cpuSeconds(), m.rowsPerSecond(),
        Double.isNaN(m.ratioToFloor()) ? null : m.ratioToFloor(), r.peakHeapBytes() < 0 ? null : r.peakHeapBytes() / MIB,
        r.peakRssBytes() < 0 ? null : r.peakRssBytes() / MIB,
        Double.isNaN(m.estimate()) ? null : m.estimate(), m.agrees(), m.command(), sparkSettings);
  }

  static String markdown(List<Measurement> ms, String commandLine, String sparkSettings) {
    StringBuilder b = new StringBuilder();
    b.append("`").append(commandLine).append("`\n\n");
    b.append("Machine: ").append(Machine.describe()).append(".  \n");
    b.append("Spark: ").append(sparkSettings).append(".\n\n");
    b.append("| rows | what | mode | seconds | CPU s | rows/s | x floor | peak heap MiB | peak RSS MiB | estimate | agrees |\n");
    b.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Measurement m : ms) {
      Reading r = m.reading();
      b.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.2f | %.2f | %,.0f | %s | %s | %s | %s | %s |%n", m.rows(), m.name(),
          m.mode(), r.seconds(), r.cpuSeconds(), m.rowsPerSecond(), ratio(m), mib(r.peakHeapBytes()), mib(r.peakRssBytes()),
          Double.isNaN(m.estimate()) ? "" : String.format(Locale.ROOT, "%.4f", m.estimate()),
          m.agrees() == null ? "" : m.agrees() ? "yes" : "NO"));
    }
    b.append("\nx floor: seconds over a bare scan + one groupBy(unit) of the same panel in the warm JVM (for cross-join: over the"
        + " indexed exposure run). in_process: the library on a warm session, tables written; process: `bin/cercania did`,"
        + " JVM start included (run-sample: `bin/cercania run --sample`, run-peru: `bin/cercania run --sample --study peru-sim`,"
        + " rows = their panel rows); scaled: timed on a sample of units, scaled linearly.\n");
    return b.toString();
  }

  private static String ratio(Measurement m) {
    return Double.isNaN(m.ratioToFloor()) ? "" : String.format(Locale.ROOT, "%.1f", m.ratioToFloor());
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "" : String.format(Locale.ROOT, "%,.0f", bytes / MIB);
  }
}
