package org.cercania.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKTWriter;

/**
 * Reads a Parquet source in the same text shape as {@link SourceReader}: every column as text (so
 * the contract checks are the same as for CSV), the row's position in the file as its row number.
 * A geometry column stored as WKB (binary, as GeoParquet does) is read with JTS into WKT; GeoParquet's
 * primary geometry column stands for the contract's geometry column when the file has none of that
 * name, and its CRS (the "geo" footer metadata) is what ingest reprojects from.
 * A file whose footer cannot be read (truncated, not Parquet) fails, naming the file.
 */
final class ParquetSource {
  private ParquetSource() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, Map<String, String> columns,
      Set<String> generated) {
    Dataset<Row> raw;
    try {
      raw = spark.read().parquet(file);
    } catch (Exception e) {
      throw Errors.inputUnreadable(file, "is not a readable Parquet file (truncated or corrupt)", e);
    }
    List<String> present = List.of(raw.columns());
    JsonNode geo = geoMetadata(spark, file);
    String geometry = contract.columns().stream().filter(c -> "wkt_polygon".equals(c.rule())).map(TableSchema.ColumnSpec::name)
        .findFirst().orElse(null);
    if (geo != null && geometry != null && !columns.containsKey(geometry) && !present.contains(geometry)) {
      Map<String, String> withGeometry = new HashMap<>(columns);
      withGeometry.put(geometry, geo.path("primary_column").asText());
      columns = withGeometry;
    }
    TextFrame.requireColumns(file, contract, columns, generated, present);
    List<StructField> fields = new ArrayList<>();
    List<Column> text = new ArrayList<>();
    for (String c : present) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
      // WKB stays binary here and becomes WKT row by row below.
      text.add(raw.schema().apply(c).dataType().equals(DataTypes.BinaryType) ? raw.col(c) : raw.col(c).cast("string").as(c));
    }
    fields.add(DataTypes.createStructField(SourceReader.CORRUPT, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(SourceReader.LINE, DataTypes.LongType, false));
    fields.add(DataTypes.createStructField(SourceReader.RAW, DataTypes.StringType, true));
    int n = present.size();
    JavaRDD<Row> numbered;
    try {
      numbered = raw.select(text.toArray(Column[]::new)).javaRDD().zipWithIndex().map(t -> {
        Object[] v = new Object[n + 3];
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
          Object x = t._1().get(i);
          if (x instanceof byte[] wkb) {
            try {
              x = new WKTWriter().write(new WKBReader().read(wkb));
            } catch (ParseException | RuntimeException e) {
              v[n] = SourceReader.BAD_GEOMETRY + "WKB: " + e.getMessage();
              x = null;
            }
          }
          v[i] = x == null ? null : x.toString();
          line.append(i > 0 ? "," : "").append(v[i] == null ? "" : v[i]);
        }
        v[n + 1] = t._2() + 1;
        v[n + 2] = line.toString();
        return RowFactory.create(v);
      });
    } catch (Exception e) {
      throw Errors.inputUnreadable(file, "is not a readable Parquet file (truncated or corrupt)", e);
    }
    Map<String, String> mapped = columns;
    return TextFrame.contractColumns(spark.createDataFrame(numbered, DataTypes.createStructType(fields)), contract, mapped,
        generated, present);
  }

  /**
   * The CRS of a GeoParquet file's primary geometry column as {@code EPSG:<code>}, or null when the
   * file is not GeoParquet or its CRS is lon/lat WGS84 (absent, OGC:CRS84 or EPSG:4326). A CRS
   * without an EPSG id fails, asking for {@code --districts-crs}.
   */
  static String geoParquetCrs(SparkSession spark, String file) {
    JsonNode geo = geoMetadata(spark, file);
    if (geo == null) {
      return null;
    }
    JsonNode crs = geo.path("columns").path(geo.path("primary_column").asText()).path("crs");
    if (crs.isMissingNode() || crs.isNull()) {
      return null;
    }
    String authority = crs.path("id").path("authority").asText("");
    String code = crs.path("id").path("code").asText("");
    if (authority.equals("OGC") && code.equals("CRS84") || authority.equals("EPSG") && code.equals("4326")) {
      return null;
    }
    if (!authority.equals("EPSG") || code.isEmpty()) {
      throw Errors.inputUnreadable(file, "its GeoParquet CRS has no EPSG id (" + crs.path("name").asText("unnamed")
          + "); give it with --districts-crs EPSG:<code>", null);
    }
    return "EPSG:" + code;
  }

  /** The GeoParquet "geo" footer metadata of the file (or of the first part file of a folder), or null. */
  private static JsonNode geoMetadata(SparkSession spark, String file) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(file);
      FileSystem fs = p.getFileSystem(conf);
      if (fs.getFileStatus(p).isDirectory()) {
        p = Arrays.stream(fs.listStatus(p)).map(FileStatus::getPath)
            .filter(x -> x.getName().endsWith(".parquet")).sorted().findFirst().orElse(null);
        if (p == null) {
          return null;
        }
      }
      try (ParquetFileReader r = ParquetFileReader.open(
          HadoopInputFile.fromPath(p, conf))) {
        String geo = r.getFooter().getFileMetaData().getKeyValueMetaData().get("geo");
        return geo == null ? null : new ObjectMapper().readTree(geo);
      }
    } catch (IOException | RuntimeException e) {
      throw Errors.inputUnreadable(file, "is not a readable Parquet file (truncated or corrupt)", e);
    }
  }
}
