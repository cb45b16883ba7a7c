package org.cercania.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Labels the Spark jobs of a piece of work (Iceberg's habit): the Spark UI and the event log say
 * which stage or pass is running. The previous group and description are restored in {@code finally},
 * so labels nest and a failure does not leave a stale label on the thread.
 */
public final class JobGroup {
  private static final String GROUP = "spark.jobGroup.id";
  private static final String DESCRIPTION = "spark.job.description";

  private JobGroup() {}

  public static <T> T run(SparkSession spark, String label, Supplier<T> work) {
    SparkContext sc = spark.sparkContext();
    String group = sc.getLocalProperty(GROUP);
    String description = sc.getLocalProperty(DESCRIPTION);
    sc.setJobGroup(label, label, false);
    try {
      return work.get();
    } finally {
      if (group == null) {
        sc.clearJobGroup();
      } else {
        sc.setJobGroup(group, description, false);
      }
      sc.setJobDescription(description);
    }
  }

  public static void run(SparkSession spark, String label, Runnable work) {
    run(spark, label, () -> {
      work.run();
      return null;
    });
  }
}
