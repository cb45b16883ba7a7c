package org.cercania.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.errors.CercaniaException;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class TableSchemaTest {

  @Test
  void everyContractInSchemasFolderLoadsWithUniqueColumns() throws IOException {
    try (Stream<Path> files = Files.list(Repo.root().resolve("schemas"))) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).toList();
      assertTrue(all.size() >= 10, "schemas/ has the contracts");
      for (Path p : all) {
        String name = p.getFileName().toString().replace(".json", "");
        TableSchema s = TableSchema.load(name);
        assertEquals(s.columns().size(), s.columnNames().size(), name + " has duplicate column names");
      }
    }
  }

  @Test
  void conformCastsToContractTypesAndOrder(SparkSession spark) {
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("2004", "8001", "7.5", "false")),
        DataTypes.createStructType(List.of(
            DataTypes.createStructField("year", DataTypes.StringType, true),
            DataTypes.createStructField("ubigeo", DataTypes.StringType, true),
            DataTypes.createStructField("extra", DataTypes.StringType, true),
            DataTypes.createStructField("women", DataTypes.StringType, true))));
    CercaniaException e = assertThrows(CercaniaException.class, () -> TableSchema.load("population").conform(df));
    assertEquals("schema 'population': the data has no column 'men'; it has year, ubigeo, extra, women", e.getMessage());
    Row r = TableSchema.load("population").conform(df.withColumn("women", df.col("extra")).withColumn("men", df.col("year")))
        .first();
    assertEquals("8001", r.getString(0));
    assertEquals(2004, r.getInt(1));
    assertEquals(7L, r.getLong(2));
    assertEquals(2004L, r.getLong(3));
  }

  @Test
  void anExtendingContractReplacesTheFieldsItGivesOfABaseColumnInPlace() {
    TableSchema base = TableSchema.load("ring_effects");
    TableSchema pub = TableSchema.load("published_ring_effects");
    List<String> names = new java.util.ArrayList<>(base.columnNames());
    names.add("suppressed");
    assertEquals(names, pub.columnNames(), "base columns in their order, then the new ones");
    TableSchema.ColumnSpec was = base.column("estimate");
    TableSchema.ColumnSpec now = pub.column("estimate");
    assertEquals(false, was.nullable());
    assertEquals(null, was.units());
    assertEquals(true, now.nullable());
    assertEquals("n_treated", now.units());
    assertEquals(was.type(), now.type());
    assertEquals(was.description(), now.description());
    assertEquals(base.column("n_units"), pub.column("n_units"));
    assertTrue(pub.column("n_treated").description().contains("small-cell rule"), "n_treated's description replaced");
  }
}
