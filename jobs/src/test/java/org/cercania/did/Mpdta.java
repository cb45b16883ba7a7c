package org.cercania.did;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Repo;

/** The R did example panel and its reference results, from ../shared/data/oracle (tests skip when absent). */
public final class Mpdta {
  private Mpdta() {}

  public static Path dir() {
    return Repo.sharedData("oracle");
  }

  /** mpdta.csv read as text and cast: Spark's string-to-double cast round-trips the printed values exactly. */
  public static Dataset<Row> panel(SparkSession spark) {
    return spark.read().option("header", "true").csv(dir().resolve("mpdta.csv").toString())
        .select(col("year").cast("int").as("year"), col("countyreal").cast("int").as("countyreal"),
            col("lpop").cast("double").as("lpop"), col("lemp").cast("double").as("lemp"),
            col("`first.treat`").cast("int").as("first.treat"), col("treat").cast("int").as("treat"));
  }

  public static Config reference() {
    return ConfigFactory.parseFile(dir().resolve("mpdta_reference.json").toFile()).getConfig("callaway_santanna");
  }

  /** mpdta with first.treat renamed first_treat, as {@code cercania did} renames it. */
  public static Dataset<Row> underscored(SparkSession spark) {
    return panel(spark).withColumnRenamed("first.treat", "first_treat");
  }

  public static DidSpec underscoredSpec() {
    return DidSpec.builder("countyreal", "year", "first_treat", "lemp").build();
  }

  public static DidSpec.Builder spec() {
    return DidSpec.builder("countyreal", "year", "first.treat", "lemp");
  }
}
