package org.cercania.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * Reads one CSV source as text fields, keeping each record's data-row number (1 = first row after
 * the header), so every rejected row can be named. A missing required column, an
 * empty file or a truncated one ({@link CsvTail}) fails here, naming the file.
 */
final class SourceReader {
  static final String LINE = "__line";
  static final String CORRUPT = "__corrupt";
  /** The raw record, for readers that build it themselves (GeoJSON, Parquet); CSV rebuilds it for rejects only. */
  static final String RAW = "__raw";
  /** A reader's complaint about one row's geometry starts so; the contract checks report it as the row's message. */
  static final String BAD_GEOMETRY = "the feature's geometry does not parse as ";

  private SourceReader() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract) {
    return read(spark, file, contract, Map.of(), Set.of(), null);
  }

  /**
   * As {@link #read(SparkSession, String, TableSchema)}, with contract columns taken from the file's
   * columns named in {@code columns} (contract name to file name), and {@code generated} columns
   * neither required nor read (ingest fills them); {@code encoding} (null = sniffed) overrides the sniffed encoding.
   */
  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, Map<String, String> columns,
      Set<String> generated, String encoding) {
    CsvDialect sniffed = CsvDialect.sniff(spark.sparkContext().hadoopConfiguration(), file);
    CsvDialect dialect = encoding == null ? sniffed : new CsvDialect(sniffed.delimiter(), encoding);
    Dataset<Row> header;
    try {
      header = spark.read().option("header", "true").option("sep", dialect.delimiter()).option("encoding", dialect.encoding())
          .csv(file);
    } catch (Exception e) {
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()).split("\n")[0], e);
    }
    List<String> present = List.of(header.columns());
    if (present.isEmpty() || (present.size() == 1 && present.get(0).isBlank())) {
      throw Errors.inputUnreadable(file, "the file is empty (no header line)", null);
    }
    if (present.size() == 1 && contract.columns().stream().filter(c -> !c.nullable() && !generated.contains(c.name())).count() > 1) {
      throw Errors.inputUnreadable(file, "its header line does not split into columns ('" + present.get(0) + "'); the delimiter "
          + "must be ',', ';' or tab", null);
    }
    CsvTail.check(spark.sparkContext().hadoopConfiguration(), file, dialect, present.size());
    TextFrame.requireColumns(file, contract, columns, generated, present);
    // Every header column as text, plus the parser's record of lines it could not split.
    List<StructField> fields = new ArrayList<>();
    for (String c : present) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
    StructType text = DataTypes.createStructType(fields);
    Dataset<Row> rows = spark.read().option("header", "true").option("sep", dialect.delimiter())
        .option("encoding", dialect.encoding()).option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT).option("ignoreLeadingWhiteSpace", "true")
        .option("ignoreTrailingWhiteSpace", "true").schema(text).csv(file);
    // A single file's partitions are its byte ranges in order: the data-row number is the row's index
    // within its partition plus the rows of the partitions before it (counted only when there are several).
    Dataset<Row> ided = rows.withColumn("__pid", spark_partition_id()).withColumn("__mid", monotonically_increasing_id());
    Column index = col("__mid").minus(col("__pid").cast("long").multiply(1L << 33));
    int partitions = rows.rdd().getNumPartitions();
    Column offset = lit(0L);
    if (partitions > 1) {
      TreeMap<Integer, Long> sizes = new TreeMap<>();
      for (Row r : ided.groupBy("__pid").count().collectAsList()) {
        sizes.put(r.getInt(0), r.getLong(1));
      }
      long before = 0;
      Column o = null;
      for (Map.Entry<Integer, Long> e : sizes.entrySet()) {
        o = o == null ? when(col("__pid").equalTo(e.getKey()), lit(before)) : o.when(col("__pid").equalTo(e.getKey()), lit(before));
        before += e.getValue();
      }
      offset = o == null ? lit(0L) : o;
    }
    Dataset<Row> result = TextFrame.contractColumns(ided.withColumn(LINE, offset.plus(index).plus(1L)).drop("__pid", "__mid"),
        contract, columns, generated, present);
    for (TableSchema.ColumnSpec c : contract.columns()) {
      if (dialect.decimalComma() && c.type().equals("double")) {
        result = result.withColumn(c.name(), regexp_replace(
            col(c.name()), ",", "."));
      }
    }
    return result;
  }
}
