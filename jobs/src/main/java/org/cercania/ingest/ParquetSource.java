package org.cercania.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * Reads a Parquet source in the same text shape as {@link SourceReader}: every column as text (so
 * the contract checks are the same as for CSV), the row's position in the file as its row number.
 * A file whose footer cannot be read (truncated, not Parquet) fails, naming the file.
 */
final class ParquetSource {
  private ParquetSource() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, Map<String, String> columns,
      Set<String> generated) {
    Dataset<Row> raw;
    try {
      raw = spark.read().parquet(file);
    } catch (Exception e) {
      throw Errors.inputUnreadable(file, "is not a readable Parquet file (truncated or corrupt)", e);
    }
    List<String> present = List.of(raw.columns());
    for (TableSchema.ColumnSpec c : contract.columns()) {
      String from = columns.getOrDefault(c.name(), c.name());
      if (!c.nullable() && !generated.contains(c.name()) && !present.contains(from)) {
        throw Errors.missingColumn(file, from, present);
      }
    }
    List<StructField> fields = new ArrayList<>();
    List<Column> text = new ArrayList<>();
    for (String c : present) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
      text.add(raw.col(c).cast("string").as(c));
    }
    fields.add(DataTypes.createStructField(SourceReader.CORRUPT, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(SourceReader.LINE, DataTypes.LongType, false));
    fields.add(DataTypes.createStructField(SourceReader.RAW, DataTypes.StringType, true));
    int n = present.size();
    JavaRDD<Row> numbered;
    try {
      numbered = raw.select(text.toArray(Column[]::new)).javaRDD().zipWithIndex().map(t -> {
        Object[] v = new Object[n + 3];
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
          v[i] = t._1().isNullAt(i) ? null : t._1().getString(i);
          line.append(i > 0 ? "," : "").append(v[i] == null ? "" : v[i]);
        }
        v[n + 1] = t._2() + 1;
        v[n + 2] = line.toString();
        return RowFactory.create(v);
      });
    } catch (Exception e) {
      throw Errors.inputUnreadable(file, "is not a readable Parquet file (truncated or corrupt)", e);
    }
    Dataset<Row> result = spark.createDataFrame(numbered, DataTypes.createStructType(fields));
    for (TableSchema.ColumnSpec c : contract.columns()) {
      String from = columns.getOrDefault(c.name(), c.name());
      if (generated.contains(c.name()) || !present.contains(from)) {
        result = result.withColumn(c.name(), org.apache.spark.sql.functions.lit(null).cast("string"));
      } else if (!from.equals(c.name())) {
        result = result.withColumn(c.name(), org.apache.spark.sql.functions.col(from));
      }
    }
    return result;
  }
}
