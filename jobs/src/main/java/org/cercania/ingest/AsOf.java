package org.cercania.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.io.TableSchema;

/**
 * What a source told at an as-of date, read from its contract's {@code as_of} markers: rows dated after
 * it ({@code known_from}, e.g. a center's opening) or of a later year ({@code year}) are left out, and a
 * date after it that is not yet known ({@code unknown_after}, e.g. a closing) becomes null.
 */
final class AsOf {
  private AsOf() {}

  /** True for the rows known at {@code asOf} (every row when it is null). */
  static Column known(TableSchema contract, LocalDate asOf) {
    Column keep = lit(true);
    if (asOf == null) {
      return keep;
    }
    for (TableSchema.ColumnSpec c : contract.columns()) {
      if ("known_from".equals(c.asOf())) {
        keep = keep.and(col(c.name()).isNull().or(col(c.name()).leq(lit(Date.valueOf(asOf)))));
      } else if ("year".equals(c.asOf())) {
        keep = keep.and(col(c.name()).isNull().or(col(c.name()).leq(asOf.getYear())));
      }
    }
    return keep;
  }

  /** The rows known at {@code asOf}, with dates not yet known at it set to null. */
  static Dataset<Row> limit(Dataset<Row> d, TableSchema contract, LocalDate asOf) {
    if (asOf == null) {
      return d;
    }
    Dataset<Row> kept = d.filter(known(contract, asOf));
    for (TableSchema.ColumnSpec c : contract.columns()) {
      if ("unknown_after".equals(c.asOf())) {
        kept = kept.withColumn(c.name(), when(col(c.name()).gt(lit(Date.valueOf(asOf))), lit(null).cast(c.sparkType()))
            .otherwise(col(c.name())));
      }
    }
    return kept;
  }
}
