package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.cercania.io.TableSchema;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The privacy scan itself, on small snapshots written by hand: it passes suppressed small cells and fails on published ones. */
@ExtendWith(SparkExtension.class)
class PublishedTablesTest {

  private static Dataset<Row> survey(SparkSession spark) {
    return spark.createDataFrame(List.of(RowFactory.create("R-000001", -77.0412345, -12.0456789)),
        new StructType().add("respondent_id", "string").add("lon", "double").add("lat", "double"));
  }

  /** A published ring_effects row: band 0-1 km, {@code treated} treated units, the cells present or null. */
  private static Row ring(long treated, boolean cellsNull, boolean suppressed) {
    Double v = cellsNull ? null : 0.5;
    return RowFactory.create("survey", "dv_emotional", "cs", 0.0, 1000.0, v, v, v, v, v, v, v, 200L, treated, 12L, v, suppressed);
  }

  private static void write(SparkSession spark, Path snapshot, String table, List<Row> rows) {
    StructType t = TableSchema.load("published_" + table).structType();
    spark.createDataFrame(rows, t).coalesce(1).write().parquet(snapshot.resolve(table).toString());
  }

  @Test
  void aSuppressedSmallRingPassesAnUnsuppressedOneFails(SparkSession spark, @TempDir Path tmp) throws Exception {
    Path ok = tmp.resolve("ok");
    write(spark, ok, "ring_effects", List.of(ring(10, false, false), ring(9, true, true)));
    assertEquals(1, PublishedTables.assertPrivate(spark, ok, survey(spark), 10), "one suppressed row seen");

    Path leak = tmp.resolve("leak");
    write(spark, leak, "ring_effects", List.of(ring(10, false, false), ring(9, false, false)));
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PublishedTables.assertPrivate(spark, leak, survey(spark), 10));
    assertTrue(e.getMessage().contains("ring_effects.estimate from 9 units published"), e.getMessage());

    Path unmarked = tmp.resolve("unmarked");
    write(spark, unmarked, "ring_effects", List.of(ring(9, true, false)));
    e = assertThrows(AssertionFailedError.class, () -> PublishedTables.assertPrivate(spark, unmarked, survey(spark), 10));
    assertTrue(e.getMessage().contains("not marked suppressed"), e.getMessage());
  }

  @Test
  void aHonestDidCovarianceOfASmallBandFails(SparkSession spark, @TempDir Path tmp) {
    Path leak = tmp.resolve("leak");
    write(spark, leak, "ring_honest_did", List.of(
        RowFactory.create("survey", "dv_emotional", "sun-abraham", 0.0, 1000.0, 0, 0, null, 0.01, 1, 2, 3L, true)));
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PublishedTables.assertPrivate(spark, leak, survey(spark), 10));
    assertTrue(e.getMessage().contains("ring_honest_did.covariance from 3 units published"), e.getMessage());
  }

  @Test
  void aSmallCountOfAPrivateSourceMustCarryItsPeople(SparkSession spark, @TempDir Path tmp) throws Exception {
    StructType t = TableSchema.load("ingest_summary").structType();
    Path ok = tmp.resolve("ok");
    spark.createDataFrame(List.of(RowFactory.create("r", "reject", "centers", "MALFORMED_ROW", "", 2L, 1, null, false),
        RowFactory.create("r", "reject", "survey", "OUT_OF_RANGE", "age", null, 1, 3L, true)), t)
        .coalesce(1).write().parquet(ok.resolve("ingest_summary").toString());
    assertEquals(1, PublishedTables.assertPrivate(spark, ok, survey(spark), 10));

    Path leak = tmp.resolve("leak");
    spark.createDataFrame(List.of(RowFactory.create("r", "reject", "survey", "OUT_OF_RANGE", "age", 3L, 1, null, false)), t)
        .coalesce(1).write().parquet(leak.resolve("ingest_summary").toString());
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PublishedTables.assertPrivate(spark, leak, survey(spark), 10));
    assertTrue(e.getMessage().contains("private source survey published without its people"), e.getMessage());
  }
}
