package org.cercania.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * The text shape every reader hands to the contract checks: the file's columns as text, the
 * parser's complaint ({@link SourceReader#CORRUPT}), the data-row number ({@link SourceReader#LINE})
 * and the raw record ({@link SourceReader#RAW}), then the contract's columns named as the contract.
 */
final class TextFrame {
  private TextFrame() {}

  /** Fails, naming the file, when a required contract column that is read from the file is not among {@code present}. */
  static void requireColumns(String file, TableSchema contract, Map<String, String> columns, Set<String> notRead,
      Collection<String> present) {
    for (TableSchema.ColumnSpec c : contract.columns()) {
      String from = columns.getOrDefault(c.name(), c.name());
      if (!c.nullable() && !notRead.contains(c.name()) && !present.contains(from)) {
        throw Errors.missingColumn(file, from, present);
      }
    }
  }

  /**
   * A frame built on the driver (small files: spreadsheets, shapefiles, GeoJSON): each row holds the
   * {@code header}'s text fields, then the parser's complaint (or null), the row number and the raw record.
   */
  static Dataset<Row> of(SparkSession spark, List<String> header, List<Object[]> rows) {
    List<StructField> fields = new ArrayList<>();
    for (String c : header) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(SourceReader.CORRUPT, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(SourceReader.LINE, DataTypes.LongType, false));
    fields.add(DataTypes.createStructField(SourceReader.RAW, DataTypes.StringType, true));
    List<Row> r = new ArrayList<>(rows.size());
    rows.forEach(v -> r.add(RowFactory.create(v)));
    return spark.createDataFrame(r, DataTypes.createStructType(fields));
  }

  /** The contract's columns: taken from the file's column the mapping names, or empty when generated or absent (nullable). */
  static Dataset<Row> contractColumns(Dataset<Row> d, TableSchema contract, Map<String, String> columns, Set<String> generated,
      Collection<String> present) {
    Dataset<Row> result = d;
    for (TableSchema.ColumnSpec c : contract.columns()) {
      String from = columns.getOrDefault(c.name(), c.name());
      if (generated.contains(c.name()) || !present.contains(from)) {
        result = result.withColumn(c.name(), functions.lit(null).cast("string"));
      } else if (!from.equals(c.name())) {
        result = result.withColumn(c.name(), functions.col(from));
      }
    }
    return result;
  }
}
