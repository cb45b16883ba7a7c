package org.cercania.io;

import org.apache.spark.sql.SparkSession;

/** The job's SparkSession: whatever spark-submit configured, plus Delta's extension and catalog. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession get(String appName) {
    if (SparkSession.getActiveSession().isDefined()) {
      return SparkSession.getActiveSession().get(); // tests, and run's later stages
    }
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    if (System.getProperty("spark.master") == null && !SparkSession.getActiveSession().isDefined()
        && !SparkSession.getDefaultSession().isDefined()) {
      b.master("local[*]"); // plain `java -cp` runs; spark-submit always sets spark.master
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
