package org.cercania.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.errors.Errors;
import org.cercania.geo.Crs;
import org.cercania.io.TableSchema;

/**
 * Loads one source file as text columns named as its contract's: one reader per format, the
 * columns a study generates (center ids, simulated opening dates, population split by sex) filled,
 * and geometries reprojected to lon/lat WGS84 (the CRS they came from is remembered for the manifest).
 */
final class SourceLoader {
  private final SparkSession spark;
  /** The CRS each source's geometries were reprojected from. */
  private final Map<String, String> crsBySource = new LinkedHashMap<>();

  SourceLoader(SparkSession spark) {
    this.spark = spark;
  }

  /** The file as text columns, with the generated ones. */
  Dataset<Row> load(String source, String file, TableSchema contract, SourceOptions opt) {
    return generate(read(opt.formatOf(file), source, file, contract, opt), opt, file);
  }

  /** The CRS {@code source}'s geometries were reprojected from, or null. */
  String reprojectedFrom(String source) {
    return crsBySource.get(source);
  }

  /** The file as text columns named as the contract's, one reader per format; geometries reprojected to lon/lat. */
  private Dataset<Row> read(String format, String source, String file, TableSchema contract, SourceOptions opt) {
    Dataset<Row> text;
    String crs = opt.crs();
    switch (format) {
      case "csv" -> text = SourceReader.read(spark, file, contract, opt.columns(), opt.generated(), opt.encoding());
      case "geojson" -> text = GeoJsonSource.read(spark, file, contract, opt.columns());
      case "parquet" -> {
        text = ParquetSource.read(spark, file, contract, opt.columns(), opt.generated());
        crs = crs != null ? crs : ParquetSource.geoParquetCrs(spark, file);
      }
      case "xlsx" -> text = XlsxSource.read(spark, file, contract, opt.columns(), opt.generated());
      case "shapefile" -> {
        text = ShapefileSource.read(spark, file, contract, opt.columns(), opt.encoding());
        crs = crs != null ? crs : ShapefileSource.prjCrs(spark, file);
      }
      default -> throw Errors.badOptionValue("--" + source.replace('_', '-') + "-format", format,
          String.join(", ", SourceOptions.FORMATS));
    }
    String geometry = contract.columns().stream().filter(c -> "wkt_polygon".equals(c.rule())).map(TableSchema.ColumnSpec::name)
        .findFirst().orElse(null);
    if (crs != null && geometry != null) {
      text = Reprojection.apply(text, geometry, crs, file);
      crsBySource.put(source, Crs.name(crs));
    }
    return text;
  }

  /** Fills the columns the source's options generate (center ids, simulated opening dates). */
  private Dataset<Row> generate(Dataset<Row> text, SourceOptions opt, String file) {
    Dataset<Row> d = text;
    if (opt.generatedIds()) {
      d = d.withColumn("center_id", concat(lit("CEM-"), lpad(col(SourceReader.LINE).cast("string"),
          3, "0")));
    }
    if (opt.split() != null) {
      List<Column> perYear = new ArrayList<>();
      for (Map.Entry<Integer, String> y : new TreeMap<>(opt.split().years()).entrySet()) {
        if (!List.of(d.columns()).contains(y.getValue())) {
          throw Errors.missingColumn(file, y.getValue(), List.of(text.columns()).stream()
              .filter(c -> !c.startsWith("__") && !c.equals("year") && !c.equals("women") && !c.equals("men")).toList());
        }
        perYear.add(struct(lit(y.getKey().toString()).as("y"), trim(col(y.getValue())).as("t")));
      }
      Column total = col("__wide.t").cast("double");
      Column women = round(total.multiply(opt.split().womenShare()));
      d = d.withColumn("__wide", explode(array(perYear.toArray(Column[]::new))))
          .withColumn("year", col("__wide.y"))
          .withColumn("women", when(total.isNotNull(), women.cast("long").cast("string")).otherwise(col("__wide.t")))
          .withColumn("men", when(total.isNotNull(), round(total).minus(women).cast("long")
              .cast("string")).otherwise(col("__wide.t")))
          .drop("__wide");
    }
    if (opt.schedule() != null) {
      Map<Long, Boolean> police = new HashMap<>();
      for (Row r : d.select(col(SourceReader.LINE), col("modality")).collectAsList()) {
        police.put(r.getLong(0), CemSchedule.isPolice(r.isNullAt(1) ? null : r.getString(1)));
      }
      List<Row> dates = new ArrayList<>();
      opt.schedule().openings(police).forEach((line, day) -> dates.add(RowFactory.create(line, day.toString())));
      Dataset<Row> opened = spark.createDataFrame(dates, DataTypes.createStructType(List.of(
          DataTypes.createStructField("__open_line", DataTypes.LongType, false),
          DataTypes.createStructField("__opened_on", DataTypes.StringType,
              false))));
      d = d.join(broadcast(opened), col(SourceReader.LINE).equalTo(col("__open_line")), "left")
          .withColumn("opened_on", col("__opened_on")).drop("__open_line", "__opened_on");
    }
    return d;
  }

}
