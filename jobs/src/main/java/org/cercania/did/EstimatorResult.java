package org.cercania.did;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** An estimator's detailed result: the common {@link DidResult} and whatever else the estimator exposes. */
public interface EstimatorResult {
  DidResult did();

  default Map<String, Dataset<Row>> tables() {
    return did().tables();
  }

  default List<String> notes() {
    return did().notes();
  }
}
