package org.cercania.did;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A difference-in-differences estimator over a panel DataFrame. It knows nothing of Peru: it reads
 * the columns the spec names. Its result is a set of named tables (coefficients, att_gt,
 * aggregates, bacon, ...) whose contracts are in schemas/.
 */
public interface Estimator {
  /** The name used by {@code cercania did --estimator NAME}. */
  String name();

  /** Runs on {@code panel}; returns table name to table, in the order they should be written. */
  Map<String, Dataset<Row>> estimate(Dataset<Row> panel, DidSpec spec);
}
