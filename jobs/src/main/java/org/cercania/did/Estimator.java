package org.cercania.did;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A difference-in-differences estimator over a panel DataFrame. It knows nothing of Peru: it reads
 * the columns the spec names. Its result carries named tables (coefficients, att_gt, aggregates,
 * bacon, ...) whose contracts are in schemas/, its notes and its overall ATT.
 */
public interface Estimator {
  /** The name the registry ({@link Estimators}) knows it by. */
  String name();

  /** Runs on {@code panel}. */
  DidResult estimate(Dataset<Row> panel, DidSpec spec);
}
