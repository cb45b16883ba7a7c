package org.cercania.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;

/** The real Peru files in ../shared/data/peru (tests skip when absent); never copied into the repository. */
public final class PeruData {
  private PeruData() {}

  public record District(String ubigeo, String name, Geometry geometry) {}

  public record Cem(int row, String ubigeo, String name, double lon, double lat, String modality) {}

  /** districts_inei2007.geojson, one JTS geometry per feature (GeoJsonReader per feature's geometry). */
  public static List<District> districts() throws IOException, ParseException {
    Path file = Repo.sharedData("peru").resolve("districts_inei2007.geojson");
    JsonNode root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new ObjectMapper().readTree(r);
    }
    GeoJsonReader reader = new GeoJsonReader();
    List<District> out = new ArrayList<>();
    for (JsonNode f : root.get("features")) {
      JsonNode p = f.get("properties");
      out.add(new District(p.get("IDDIST").asText(), p.get("NOMBDIST").asText(), reader.read(f.get("geometry").toString())));
    }
    return out;
  }

  /** cem_directory_2026.csv (columns by header name; quoted fields may hold commas). */
  public static List<Cem> cems() throws IOException {
    Path file = Repo.sharedData("peru").resolve("cem_directory_2026.csv");
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = splitCsv(lines.get(0));
    int ubigeo = header.indexOf("ubigeo"), name = header.indexOf("nombre"), lat = header.indexOf("lat"),
        lon = header.indexOf("lon"), modality = header.indexOf("modalidad");
    List<Cem> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> v = splitCsv(lines.get(i));
      out.add(new Cem(i + 1, v.get(ubigeo), v.get(name), Double.parseDouble(v.get(lon)), Double.parseDouble(v.get(lat)),
          v.get(modality)));
    }
    return out;
  }

  static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
