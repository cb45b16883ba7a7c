package org.cercania.ingest;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * Reads one CSV source as text fields, keeping each record's data-row number (1 = first row after
 * the header) and its raw text, so every rejected row can be named. A missing required column or an
 * empty file fails here, naming the file.
 */
final class SourceReader {
  static final String LINE = "__line";
  static final String RAW = "__raw";
  static final String CORRUPT = "__corrupt";

  private SourceReader() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract) {
    return read(spark, file, contract, java.util.Map.of(), java.util.Set.of());
  }

  /**
   * As {@link #read(SparkSession, String, TableSchema)}, with contract columns taken from the file's
   * columns named in {@code columns} (contract name to file name), and {@code generated} columns
   * neither required nor read (ingest fills them).
   */
  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, java.util.Map<String, String> columns,
      java.util.Set<String> generated) {
    CsvDialect dialect = CsvDialect.sniff(spark.sparkContext().hadoopConfiguration(), file);
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
    for (TableSchema.ColumnSpec c : contract.columns()) {
      String from = columns.getOrDefault(c.name(), c.name());
      if (!c.nullable() && !generated.contains(c.name()) && !present.contains(from)) {
        throw Errors.missingColumn(file, from, present);
      }
    }
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
    // A single file's partitions are its byte ranges in order, so the index is the data-row number.
    int n = present.size();
    char sep = dialect.delimiter().charAt(0);
    JavaRDD<Row> numbered = rows.javaRDD().zipWithIndex().map(t -> {
      Object[] v = new Object[n + 3];
      StringBuilder raw = new StringBuilder();
      for (int i = 0; i < n; i++) {
        v[i] = t._1().isNullAt(i) ? null : t._1().getString(i);
        if (i > 0) {
          raw.append(sep);
        }
        raw.append(v[i] == null ? "" : v[i]);
      }
      v[n] = t._1().isNullAt(n) ? null : t._1().getString(n);
      v[n + 1] = t._2() + 1;
      v[n + 2] = v[n] != null ? v[n] : raw.toString();
      return RowFactory.create(v);
    });
    List<StructField> out = new ArrayList<>(fields);
    out.add(DataTypes.createStructField(LINE, DataTypes.LongType, false));
    out.add(DataTypes.createStructField(RAW, DataTypes.StringType, true));
    Dataset<Row> result = spark.createDataFrame(numbered, DataTypes.createStructType(out));
    // Optional contract columns the file lacks are added empty (they are nullable by contract).
    for (TableSchema.ColumnSpec c : contract.columns()) {
      String from = columns.getOrDefault(c.name(), c.name());
      if (generated.contains(c.name()) || !present.contains(from)) {
        result = result.withColumn(c.name(), org.apache.spark.sql.functions.lit(null).cast("string"));
      } else if (!from.equals(c.name())) {
        result = result.withColumn(c.name(), org.apache.spark.sql.functions.col(from));
      }
      if (dialect.decimalComma() && c.type().equals("double")) {
        result = result.withColumn(c.name(), org.apache.spark.sql.functions.regexp_replace(
            org.apache.spark.sql.functions.col(c.name()), ",", "."));
      }
    }
    return result;
  }
}
