package org.cercania.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;
import org.cercania.geo.DistrictAssignment;
import org.cercania.geo.DistrictLocator;
import org.cercania.ingest.CemSchedule;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.io.geojson.GeoJsonReader;
import org.locationtech.jts.io.WKTWriter;

/**
 * Peru's real geography for the sample (the {@code peru-sim} study): the INEI 2007 district polygons,
 * district population 2007 and 2022 and the 436 centers of the MIMP 2026 CEM directory, read from the
 * shared data folder (never copied into the repository). Opening dates are simulated like the
 * {@code peru} study's ingest does ({@link CemSchedule}: the ministry's cumulative counts, police-station
 * centers from 2017). Each district's town (around which units are placed) is its capital from
 * district_attributes.csv when that point is the district's own under {@link DistrictAssignment}'s rule
 * (smallest covering polygon), else an interior point of the polygon, else a seeded point of it; a
 * district with none (an empty polygon) gets no units.
 */
final class PeruGeography {
  static final String DISTRICTS = "districts_inei2007.geojson";
  static final String CENTERS = "cem_directory_2026.csv";
  static final String COUNTS = "cem_rollout_counts.csv";
  static final String POPULATION = "district_population_2007_2022.csv";
  static final String ATTRIBUTES = "district_attributes.csv";
  /** Women's share of the population (2017 census), as in the peru study's population split. */
  static final double WOMEN_SHARE = 0.508;

  private final SyntheticCountry country;
  private final List<CenterRollout.Center> centers;

  private PeruGeography(SyntheticCountry country, List<CenterRollout.Center> centers) {
    this.country = country;
    this.centers = centers;
  }

  SyntheticCountry country() {
    return country;
  }

  List<CenterRollout.Center> centers() {
    return centers;
  }

  /** Reads the folder; {@code fromYear} is the first year of the study window (the population's base year). */
  static PeruGeography load(String dataDir, int fromYear, SplittableRandom rnd) {
    return load(dataDir, fromYear, rnd, null);
  }

  /** As {@link #load(String, int, SplittableRandom)}, keeping only the districts whose UBIGEO starts with {@code prefix} (null: all). */
  static PeruGeography load(String dataDir, int fromYear, SplittableRandom rnd, String prefix) {
    Path dir = Path.of(dataDir);
    Map<String, String[]> names = new LinkedHashMap<>();
    Map<String, Geometry> polygons = new LinkedHashMap<>();
    Path geo = dir.resolve(DISTRICTS);
    try {
      JsonNode root = new ObjectMapper().readTree(geo.toFile());
      GeoJsonReader reader = new GeoJsonReader();
      for (JsonNode f : root.path("features")) {
        JsonNode p = f.path("properties");
        String ubigeo = p.path("IDDIST").asText();
        if (prefix != null && !ubigeo.startsWith(prefix)) {
          continue;
        }
        polygons.put(ubigeo, reader.read(f.path("geometry").toString()));
        names.put(ubigeo, new String[] {clean(p.path("NOMBDIST").asText()), clean(p.path("NOMBPROV").asText()),
            clean(p.path("NOMBDEP").asText())});
      }
    } catch (IOException | org.locationtech.jts.io.ParseException | RuntimeException e) {
      throw Errors.inputUnreadable(geo, String.valueOf(e.getMessage()), e);
    }
    List<Map.Entry<String, String>> wkt = new ArrayList<>();
    WKTWriter writer = new WKTWriter();
    polygons.forEach((u, g) -> wkt.add(Map.entry(u, writer.write(g))));
    DistrictLocator locator = DistrictAssignment.locator(geo.toString(), wkt, DistrictAssignment.DEFAULT_TOLERANCE_M);

    Map<String, double[]> population = new HashMap<>(); // ubigeo -> {2007, 2022}
    for (Map<String, String> r : csv(dir.resolve(POPULATION))) {
      population.put(r.get("ubigeo"), new double[] {number(r.get("c2007")), number(r.get("p2022"))});
    }
    Map<String, double[]> capital = new HashMap<>(); // ubigeo -> {lon, lat, fallback population}
    for (Map<String, String> r : csv(dir.resolve(ATTRIBUTES))) {
      capital.put(r.get("inei"), new double[] {number(r.get("longitude")), number(r.get("latitude")),
          number(r.get("pob_densidad_2020")) * number(r.get("superficie"))});
    }

    List<SyntheticCountry.District> districts = new ArrayList<>();
    Map<String, SyntheticCountry.District> byUbigeo = new HashMap<>();
    SyntheticCountry probe = new SyntheticCountry(List.of(), locator);
    for (Map.Entry<String, String> e : wkt) {
      String u = e.getKey();
      double[] pop = population.get(u);
      double[] cap = capital.get(u);
      double p2007;
      double growth;
      if (pop != null && pop[0] > 0 && pop[1] > 0) {
        p2007 = pop[0];
        growth = Math.pow(pop[1] / pop[0], 1.0 / 15);
      } else {
        p2007 = cap != null && cap[2] > 0 ? cap[2] : 1000; // district missing from the population file
        growth = 1.01;
      }
      double total = p2007 * Math.pow(growth, fromYear - 2007);
      double women = Math.max(1, Math.rint(total * WOMEN_SHARE));
      String[] n = names.get(u);
      SyntheticCountry.District stub = new SyntheticCountry.District(u, n[0], n[1], n[2], e.getValue(), 0, 0, women, 0, growth,
          (1 - WOMEN_SHARE) / WOMEN_SHARE);
      double[] town = town(probe, stub, cap, polygons.get(u), rnd);
      SyntheticCountry.District d = new SyntheticCountry.District(u, n[0], n[1], n[2], e.getValue(), town[0], town[1], women,
          Math.min(1, women / 40_000), growth, (1 - WOMEN_SHARE) / WOMEN_SHARE);
      districts.add(d);
      byUbigeo.put(u, d);
    }
    SyntheticCountry country = new SyntheticCountry(districts, locator);
    return new PeruGeography(country, centers(dir, locator, byUbigeo, rnd.nextLong()));
  }

  /** The capital when it is the district's own point, else an interior point, else a seeded point of the polygon; NaN when none. */
  private static double[] town(SyntheticCountry probe, SyntheticCountry.District d, double[] cap, Geometry polygon,
      SplittableRandom rnd) {
    if (cap != null && !Double.isNaN(cap[0]) && probe.holds(d, cap[0], cap[1])) {
      return new double[] {cap[0], cap[1]};
    }
    if (!polygon.isEmpty()) {
      Point p = polygon.getInteriorPoint();
      if (!p.isEmpty() && probe.holds(d, p.getX(), p.getY())) {
        return new double[] {p.getX(), p.getY()};
      }
      Envelope env = polygon.getEnvelopeInternal();
      for (int k = 0; k < 2000; k++) {
        double lon = env.getMinX() + rnd.nextDouble() * env.getWidth();
        double lat = env.getMinY() + rnd.nextDouble() * env.getHeight();
        if (probe.holds(d, lon, lat)) {
          return new double[] {lon, lat};
        }
      }
    }
    return new double[] {Double.NaN, Double.NaN};
  }

  /**
   * The directory's centers (id CEM-NNN by data row, as the peru study's ingest names them), in the
   * district of their UBIGEO, or, when that UBIGEO has no polygon, of the polygon their point lies in
   * (ingest's UBIGEO_REASSIGNED); a center in neither is left out.
   */
  private static List<CenterRollout.Center> centers(Path dir, DistrictLocator locator, Map<String, SyntheticCountry.District> byUbigeo,
      long seed) {
    List<Map<String, String>> rows = csv(dir.resolve(CENTERS));
    Map<Long, Boolean> police = new TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      String m = rows.get(i).get("modalidad");
      police.put((long) i + 1, m != null && m.toLowerCase(Locale.ROOT).replace('í', 'i').startsWith("comisaria"));
    }
    Map<Long, LocalDate> opened = CemSchedule.fromCounts(dir.resolve(COUNTS).toString(), seed).openings(police);
    List<CenterRollout.Center> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, String> r = rows.get(i);
      double lon = number(r.get("lon"));
      double lat = number(r.get("lat"));
      SyntheticCountry.District d = byUbigeo.get(r.get("ubigeo"));
      if (d == null && !Double.isNaN(lon)) {
        d = byUbigeo.get(locator.locate(lon, lat).bestId());
      }
      LocalDate on = opened.get((long) i + 1);
      if (d == null || on == null || Double.isNaN(lon)) {
        continue;
      }
      out.add(new CenterRollout.Center(String.format(Locale.ROOT, "CEM-%03d", i + 1), d, lon, lat, on, null,
          police.get((long) i + 1) ? "Comisaria" : "Regular"));
    }
    return out;
  }

  private static List<Map<String, String>> csv(Path file) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(true);
    settings.setMaxCharsPerColumn(-1);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<Map<String, String>> out = new ArrayList<>();
      CsvParser parser = new CsvParser(settings);
      parser.beginParsing(in);
      String[] header = null;
      String[] row;
      while ((row = parser.parseNext()) != null) {
        if (header == null) {
          header = parser.getContext().headers();
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < header.length && i < row.length; i++) {
          m.put(header[i], row[i] == null ? null : row[i].trim());
        }
        out.add(m);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      if (e instanceof CercaniaException ce) {
        throw ce;
      }
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()), e);
    }
  }

  private static double number(String v) {
    try {
      return v == null || v.isBlank() ? Double.NaN : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** A name safe in the sample's unquoted CSV columns. */
  private static String clean(String s) {
    return s.replace(',', ' ').replace('"', ' ').trim();
  }
}
