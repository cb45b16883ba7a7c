package org.cercania.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;

/**
 * The real Peru centers against the real district polygons by brute force: every point tested
 * against every polygon with JTS {@code covers}, no index and no tie rule, none of ingest's code.
 * Rows are numbered from 1 in file order, like ingest's data rows.
 */
record BruteForceDistricts(Set<Long> outsideOwnPolygon, Map<Long, String> reassignable, Map<Long, String> coveredByOne) {
  static BruteForceDistricts of(SparkSession spark, Path peru) {
    Map<String, Geometry> polygons = new LinkedHashMap<>();
    try {
      JsonNode root = new ObjectMapper().readTree(peru.resolve("districts_inei2007.geojson").toFile());
      GeoJsonReader reader = new GeoJsonReader();
      for (JsonNode f : root.path("features")) {
        polygons.put(f.path("properties").path("IDDIST").asText(), reader.read(f.path("geometry").toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    GeometryFactory gf = new GeometryFactory();
    Set<Long> outside = new TreeSet<>();
    Map<Long, String> reassignable = new TreeMap<>();
    Map<Long, String> one = new TreeMap<>();
    List<Row> centers = spark.read().option("header", "true").csv(peru.resolve("cem_directory_2026.csv").toString())
        .select("ubigeo", "lon", "lat").collectAsList();
    long line = 0;
    for (Row c : centers) {
      line++;
      String ubigeo = c.getString(0);
      Point p = gf.createPoint(new Coordinate(Double.parseDouble(c.getString(1)), Double.parseDouble(c.getString(2))));
      List<String> covering = new ArrayList<>();
      polygons.forEach((id, g) -> {
        if (g.covers(p)) {
          covering.add(id);
        }
      });
      if (covering.size() == 1) {
        one.put(line, covering.get(0));
      }
      if (!polygons.containsKey(ubigeo)) {
        if (covering.size() == 1) {
          reassignable.put(line, ubigeo + " -> " + covering.get(0));
        }
      } else if (!covering.contains(ubigeo)) {
        outside.add(line);
      }
    }
    return new BruteForceDistricts(outside, reassignable, one);
  }
}
