package org.cercania.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTWriter;
import org.locationtech.jts.io.geojson.GeoJsonReader;

/**
 * Reads a GeoJSON FeatureCollection as a source in the same text shape as {@link SourceReader}: one
 * row per feature (the feature number is the row number), the contract's columns taken from the
 * feature's properties through the source's column mapping, and its WKT-polygon column from the
 * feature's geometry (JTS GeoJsonReader). A feature whose geometry does not parse is a
 * MALFORMED_ROW; a file that is not a FeatureCollection fails, naming the file.
 */
final class GeoJsonSource {
  static final String BAD_GEOMETRY = SourceReader.BAD_GEOMETRY + "GeoJSON: ";

  private GeoJsonSource() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, Map<String, String> columns) {
    JsonNode root;
    Path path = new Path(file);
    try (InputStream in = FileSystem.get(path.toUri(), spark.sparkContext().hadoopConfiguration()).open(path)) {
      root = new ObjectMapper().readTree(in);
    } catch (FileNotFoundException e) {
      throw Errors.inputMissing(file);
    } catch (JsonProcessingException e) {
      throw Errors.inputUnreadable(file, "is not valid JSON (truncated or corrupt at line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
    } catch (IOException e) {
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()), e);
    }
    if (root == null || root.isMissingNode()) {
      throw Errors.inputUnreadable(file, "the file is empty (no GeoJSON in it)", null);
    }
    if (!root.isObject() || !"FeatureCollection".equals(root.path("type").asText())
        || !root.path("features").isArray()) {
      throw Errors.inputUnreadable(file, "is not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" with a "
          + "\"features\" array)", null);
    }
    if (root.path("features").isEmpty()) {
      throw Errors.inputUnreadable(file, "has no features", null);
    }
    String geometryColumn = contract.columns().stream().filter(c -> "wkt_polygon".equals(c.rule())).map(TableSchema.ColumnSpec::name)
        .findFirst().orElse(null);
    Set<String> properties = new LinkedHashSet<>();
    root.path("features").forEach(f -> f.path("properties").fieldNames().forEachRemaining(properties::add));
    TextFrame.requireColumns(file, contract, columns, geometryColumn == null ? Set.of() : Set.of(geometryColumn), properties);
    GeoJsonReader geometries = new GeoJsonReader();
    WKTWriter wkt = new WKTWriter();
    List<Object[]> rows = new ArrayList<>();
    long line = 0;
    for (JsonNode f : root.path("features")) {
      line++;
      int n = contract.columns().size();
      Object[] v = new Object[n + 3];
      JsonNode props = f.path("properties");
      for (int i = 0; i < n; i++) {
        String name = contract.columns().get(i).name();
        if (name.equals(geometryColumn)) {
          JsonNode g = f.path("geometry");
          if (g.isMissingNode() || g.isNull()) {
            v[i] = null;
          } else {
            try {
              v[i] = wkt.write(geometries.read(g.toString()));
            } catch (ParseException | RuntimeException e) {
              v[n] = BAD_GEOMETRY + e.getMessage();
            }
          }
        } else {
          JsonNode p = props.path(columns.getOrDefault(name, name));
          v[i] = p.isMissingNode() || p.isNull() ? null : p.asText();
        }
      }
      v[n + 1] = line;
      v[n + 2] = props.toString();
      rows.add(v);
    }
    return TextFrame.of(spark, contract.columnNames(), rows);
  }
}
