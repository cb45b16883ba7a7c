package org.cercania.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Labels the Spark jobs that a piece of work starts, so the Spark UI and the logs say which stage or
 * estimator is running (Iceberg's habit for Spark actions). The previous label is restored in a
 * {@code finally}, so nested work and failures leave the session as they found it.
 */
public final class JobGroup {
  private static final String DESCRIPTION = "spark.job.description";

  private JobGroup() {}

  /** Runs {@code work} with its Spark jobs described as {@code label}; returns what it returns. */
  public static <T> T run(SparkSession spark, String label, Supplier<T> work) {
    SparkContext sc = spark.sparkContext();
    String previous = sc.getLocalProperty(DESCRIPTION);
    sc.setJobDescription(label);
    try {
      return work.get();
    } finally {
      sc.setJobDescription(previous);
    }
  }

  /** {@link #run(SparkSession, String, Supplier)} for work without a result. */
  public static void run(SparkSession spark, String label, Runnable work) {
    run(spark, label, () -> {
      work.run();
      return null;
    });
  }
}
