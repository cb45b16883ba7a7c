package org.cercania.did;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What an estimator returns: its tables by name in the order they should be written (contracts in
 * schemas/), its notes about the data (units dropped, cells skipped, ...), meant for the user, and
 * its overall ATT (null for estimators without one, such as the event study).
 */
public record DidResult(String estimator, Map<String, Dataset<Row>> tables, List<String> notes, OverallAtt overall)
    implements EstimatorResult {
  public DidResult {
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    notes = List.copyOf(notes);
  }

  @Override
  public DidResult did() {
    return this;
  }
}
