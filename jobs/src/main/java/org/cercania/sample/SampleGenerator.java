package org.cercania.sample;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import net.sf.geographiclib.Geodesic;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;

/**
 * Writes the synthetic sample as the CSV files a ministry would hand over (one per source, same
 * contracts as real inputs) plus {@code truth.csv}, the effects planted in it. Deterministic for a
 * seed. Runs on the driver: the sample is small by design; exposure for the planted effects is
 * computed here by brute force, independently of the pipeline's exposure stage.
 */
public final class SampleGenerator {
  /** The sources written, in order. */
  public static final List<String> SOURCES = List.of("districts", "population", "centers", "schools", "school_years",
      "survey", "femicides", "hospitalizations");

  private final SampleSpec spec;
  private final Map<Integer, Integer> rolloutAnchors;
  private final PlantedEffects effects;
  private final String peruData;

  /** The sample on the synthetic geography. */
  public SampleGenerator(SampleSpec spec, Map<Integer, Integer> rolloutAnchors, Map<String, Double> effectSizes) {
    this(spec, rolloutAnchors, effectSizes, null);
  }

  /**
   * The sample on the synthetic geography ({@code peruData} null) or on Peru's real one: the district
   * polygons, population and CEM directory read from {@code peruData} ({@link PeruGeography}; the
   * spec's district and center counts are then ignored).
   */
  public SampleGenerator(SampleSpec spec, Map<Integer, Integer> rolloutAnchors, Map<String, Double> effectSizes, String peruData) {
    this.spec = spec;
    this.rolloutAnchors = rolloutAnchors;
    this.effects = new PlantedEffects(effectSizes, spec.dynamicEffects(), spec.profile());
    this.peruData = peruData;
  }

  /**
   * A point unit (school or survey cluster) with its ring and nearest-center history by year, and
   * its distance band: the truth term (band_LO_HI) of the band its nearest open center lay in when
   * it was first exposed (nearest open center within the cutoff) and that entry year, or a null
   * term when the unit is not a treated unit of the distance design (never exposed, exposed
   * before the window, exposure ended, entered beyond the last edge).
   */
  private record PointUnit(String id, SyntheticCountry.District district, double lon, double lat, int[] ring, int[] openYear,
      double[] nearest, int cohort, String bandTerm, String gridTerm, int entry) {}

  /** Width of the cells (metres) the truth of the data-driven distance bins is recorded in (grid_LO_HI terms). */
  public static final int GRID_M = 250;

  /** Writes every source into {@code dir}; returns rows written per file. */
  public Map<String, Long> write(Path dir) {
    Progress progress = new Progress("sample");
    Map<String, Long> counts = new LinkedHashMap<>();
    SplittableRandom root = new SplittableRandom(spec.seed());
    try {
      Files.createDirectories(dir);
      SyntheticCountry country;
      List<CenterRollout.Center> centers;
      if (peruData == null) {
        country = SyntheticCountry.generate(spec.districts(), root.split());
        centers = CenterRollout.generate(country, spec.centers(), rolloutAnchors, root.split());
      } else {
        PeruGeography peru = PeruGeography.load(peruData, spec.fromYear(), root.split());
        country = peru.country();
        centers = peru.centers();
      }
      counts.put("districts", writeDistricts(dir, country));
      counts.put("population", writePopulation(dir, country));
      counts.put("centers", writeCenters(dir, centers));
      progress.step("districts, population and centers", counts.get("districts") + counts.get("centers"));
      SplittableRandom schoolRnd = root.split();
      List<PointUnit> schools = placeUnits("S", spec.schools(), country, centers, schoolRnd);
      counts.put("schools", writeSchools(dir, schools, schoolRnd));
      counts.put("school_years", writeSchoolYears(dir, schools, schoolRnd));
      progress.step("schools and school-years", counts.get("school_years"));
      SplittableRandom surveyRnd = root.split();
      List<PointUnit> clusters = placeUnits("C", spec.surveyClusters(), country, centers, surveyRnd);
      counts.put("survey", writeSurvey(dir, clusters, surveyRnd));
      progress.step("survey respondents", counts.get("survey"));
      SplittableRandom districtRnd = root.split();
      long[] district = writeDistrictOutcomes(dir, country, centers, districtRnd);
      counts.put("femicides", district[0]);
      counts.put("hospitalizations", district[1]);
      progress.step("district outcomes", district[0] + district[1]);
      try (Writer w = Files.newBufferedWriter(dir.resolve("truth.csv"), StandardCharsets.UTF_8)) {
        effects.writeTruth(w);
      }
      progress.done();
      return counts;
    } catch (IOException e) {
      throw Errors.output(dir, e.getMessage(), e);
    }
  }

  private LocalDate referenceDate(int year) {
    return LocalDate.of(year, spec.referenceMonth(), spec.referenceDay());
  }

  private boolean open(CenterRollout.Center c, int year) {
    LocalDate ref = referenceDate(year);
    return !c.openedOn().isAfter(ref) && (c.closedOn() == null || c.closedOn().isAfter(ref));
  }

  /** First year (any, not only the window) in which the center counts as open. */
  private int firstOpenYear(CenterRollout.Center c) {
    int y = c.openedOn().getYear();
    return open(c, y) ? y : y + 1;
  }

  private List<PointUnit> placeUnits(String prefix, int n, SyntheticCountry country, List<CenterRollout.Center> centers,
      SplittableRandom rnd) {
    List<SyntheticCountry.District> ds = country.districts();
    double[] cum = new double[ds.size()];
    double acc = 0;
    for (int i = 0; i < ds.size(); i++) {
      acc += Double.isNaN(ds.get(i).townLon()) ? 0 : Math.pow(ds.get(i).women(), 0.8);
      cum[i] = acc;
    }
    int years = spec.toYear() - spec.fromYear() + 1;
    double outer = Math.max(spec.ringsKm().get(2), spec.cutoffKm()) * 1000;
    double box = outer / 105_000; // one degree is more than 105 km at Peru's latitudes (below 19 degrees south)
    List<PointUnit> units = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int i = Arrays.binarySearch(cum, rnd.nextDouble() * acc);
      SyntheticCountry.District d = ds.get(Math.min(i < 0 ? -i - 1 : i, ds.size() - 1));
      // Distance from the town: exponential, mean 2.5 km, at most 10 km; drawn again while the point is not the
      // district's own (real polygons), the town itself after 30 tries.
      double lon = d.townLon();
      double lat = d.townLat();
      for (int attempt = 0; attempt < 30; attempt++) {
        double r = Math.min(10_000, -2500 * Math.log(1 - rnd.nextDouble()));
        double az = rnd.nextDouble() * 360;
        var pos = Geodesic.WGS84.Direct(d.townLat(), d.townLon(), az, r);
        if (country.holds(d, pos.lon2, pos.lat2)) {
          lon = pos.lon2;
          lat = pos.lat2;
          break;
        }
      }
      // Centers within the outer ring, nearest first (a cheap box test before the exact distance).
      record Near(CenterRollout.Center c, double dist) {}
      List<Near> near = new ArrayList<>();
      for (CenterRollout.Center c : centers) {
        if (Math.abs(c.lat() - lat) > box || Math.abs(c.lon() - lon) > box) {
          continue;
        }
        double dist = Geodesic.WGS84.Inverse(lat, lon, c.lat(), c.lon()).s12;
        if (dist <= outer) {
          near.add(new Near(c, dist));
        }
      }
      near.sort(Comparator.comparingDouble(Near::dist));
      int[] ring = new int[years];
      int[] openYear = new int[years];
      double[] nearest = new double[years];
      int cohort = 0;
      for (int y = 0; y < years; y++) {
        int year = spec.fromYear() + y;
        ring[y] = -1;
        nearest[y] = Double.POSITIVE_INFINITY;
        for (Near nc : near) {
          if (open(nc.c(), year)) {
            ring[y] = ringOf(nc.dist());
            openYear[y] = firstOpenYear(nc.c());
            nearest[y] = nc.dist();
            break;
          }
        }
        if (cohort == 0 && ring[y] == 0) {
          cohort = year;
        }
      }
      int entry = entryYear(nearest);
      String band = entry > 0 ? bandTerm(nearest[entry - spec.fromYear()]) : null;
      String grid = null;
      if (entry > 0) {
        long cell = Math.max(0, (long) Math.ceil(nearest[entry - spec.fromYear()] / GRID_M) - 1);
        grid = String.format(Locale.ROOT, "grid_%d_%d", cell * GRID_M, (cell + 1) * GRID_M);
      }
      units.add(new PointUnit(String.format(Locale.ROOT, "%s%06d", prefix, k + 1), d, lon, lat, ring, openYear, nearest, cohort, band, grid,
          entry));
    }
    return units;
  }

  /**
   * The year a unit was first exposed (nearest open center within the cutoff), or 0 when it is not a
   * treated unit of the distance design: never exposed, exposed in the window's first year (before
   * the window), or exposed and later not (its only nearby center closed).
   */
  private int entryYear(double[] nearest) {
    double cut = spec.cutoffKm() * 1000;
    int first = -1;
    for (int y = 0; y < nearest.length; y++) {
      if (nearest[y] <= cut && first < 0) {
        first = y;
      } else if (nearest[y] > cut && first >= 0) {
        return 0;
      }
    }
    return first <= 0 ? 0 : spec.fromYear() + first;
  }

  /** The truth term of the distance band (lower < d <= upper; the first band includes 0) of a distance in metres, null beyond. */
  private String bandTerm(double metres) {
    List<Double> e = spec.bandEdgesKm();
    for (int b = 1; b < e.size(); b++) {
      if (metres <= e.get(b) * 1000) {
        return String.format(Locale.ROOT, "band_%d_%d", Math.round(e.get(b - 1) * 1000), Math.round(e.get(b) * 1000));
      }
    }
    return null;
  }

  /**
   * The planted effect on a unit in the window's year index y (recorded under its current ring and,
   * when it has one, under its distance band).
   */
  private double planted(PointUnit u, String family, String outcome, int y) {
    int year = spec.fromYear() + y;
    double effect = effects.effect(family, outcome, u.ring()[y], u.nearest()[y], year, u.openYear()[y], u.cohort());
    if (u.gridTerm() != null) {
      effects.record(family, outcome, u.gridTerm(), u.entry(), year, effect);
    }
    if (u.bandTerm() != null) {
      effects.record(family, outcome, u.bandTerm(), u.entry(), year, effect);
    }
    return effect;
  }

  private int ringOf(double metres) {
    for (int r = 0; r < 3; r++) {
      if (metres <= spec.ringsKm().get(r) * 1000) {
        return r;
      }
    }
    return -1;
  }

  private long writeDistricts(Path dir, SyntheticCountry country) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("districts.csv"), StandardCharsets.UTF_8)) {
      w.write("ubigeo,name,province,department,geometry_wkt\n");
      for (SyntheticCountry.District d : country.districts()) {
        w.write(String.join(",", d.ubigeo(), d.name(), d.province(), d.department(), "\"" + d.wkt() + "\"") + "\n");
      }
    }
    return country.districts().size();
  }

  private long writePopulation(Path dir, SyntheticCountry country) throws IOException {
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("population.csv"), StandardCharsets.UTF_8)) {
      w.write("ubigeo,year,women,men\n");
      for (SyntheticCountry.District d : country.districts()) {
        for (int y = spec.fromYear(); y <= spec.toYear(); y++) {
          double g = Math.pow(d.growth(), y - spec.fromYear());
          w.write(String.format(Locale.ROOT, "%s,%d,%d,%d%n", d.ubigeo(), y, Math.round(d.women() * g),
              Math.round(d.women() * d.menPerWoman() * g)));
          n++;
        }
      }
    }
    return n;
  }

  private long writeCenters(Path dir, List<CenterRollout.Center> centers) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("centers.csv"), StandardCharsets.UTF_8)) {
      w.write("center_id,name,ubigeo,lon,lat,opened_on,closed_on,modality\n");
      for (CenterRollout.Center c : centers) {
        String modality = c.modality() != null ? c.modality()
            : c.openedOn().getYear() >= 2017 && c.id().hashCode() % 3 == 0 ? "Comisaria" : "Regular";
        w.write(String.format(Locale.ROOT, "%s,CEM %s,%s,%.6f,%.6f,%s,%s,%s%n", c.id(), c.district().name(),
            c.district().ubigeo(), c.lon(), c.lat(), c.openedOn(), c.closedOn() == null ? "" : c.closedOn(), modality));
      }
    }
    return centers.size();
  }

  private long writeSchools(Path dir, List<PointUnit> schools, SplittableRandom rnd) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("schools.csv"), StandardCharsets.UTF_8)) {
      w.write("school_id,ubigeo,lon,lat,level,rural\n");
      for (PointUnit s : schools) {
        w.write(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%s,%s%n", s.id(), s.district().ubigeo(), s.lon(), s.lat(),
            rnd.nextBoolean() ? "primary" : "secondary", s.district().urban() < 0.3));
      }
    }
    return schools.size();
  }

  private long writeSchoolYears(Path dir, List<PointUnit> schools, SplittableRandom rnd) throws IOException {
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("school_years.csv"), StandardCharsets.UTF_8)) {
      w.write("school_id,year,enrolled,attendance_rate,pass_rate,dropout_rate,test_score\n");
      for (PointUnit s : schools) {
        double logBase = Math.log(250) + 0.6 * SyntheticCountry.gaussian(rnd);
        double att = 0.85 + 0.03 * SyntheticCountry.gaussian(rnd);
        double pass = 0.82 + 0.03 * SyntheticCountry.gaussian(rnd);
        double drop = 0.06 + 0.012 * SyntheticCountry.gaussian(rnd);
        double score = 0.5 * SyntheticCountry.gaussian(rnd);
        for (int y = 0; y < s.ring().length; y++) {
          int year = spec.fromYear() + y;
          double enrolled = Math.exp(logBase + 0.005 * y + planted(s, "school", "log_enrollment", y)
              + 0.05 * SyntheticCountry.gaussian(rnd));
          double a = clip(att + 0.002 * y + planted(s, "school", "attendance_rate", y)
              + 0.02 * SyntheticCountry.gaussian(rnd));
          double p = clip(pass + 0.001 * y + planted(s, "school", "pass_rate", y)
              + 0.02 * SyntheticCountry.gaussian(rnd));
          double dr = clip(drop - 0.001 * y + planted(s, "school", "dropout_rate", y)
              + 0.008 * SyntheticCountry.gaussian(rnd));
          double sc = score + 0.01 * y + planted(s, "school", "test_score", y)
              + 0.3 * SyntheticCountry.gaussian(rnd);
          w.write(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%.6f,%.6f%n", s.id(), year, Math.round(enrolled), a, p, dr, sc));
          n++;
        }
      }
    }
    return n;
  }

  private long writeSurvey(Path dir, List<PointUnit> clusters, SplittableRandom rnd) throws IOException {
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("survey.csv"), StandardCharsets.UTF_8)) {
      w.write("respondent_id,year,cluster_id,ubigeo,lon,lat,weight,age,dv_physical,dv_emotional\n");
      for (PointUnit c : clusters) {
        double phys = 0.15 + 0.2 * rnd.nextDouble();
        double emot = 0.20 + 0.2 * rnd.nextDouble();
        for (int y = 0; y < c.ring().length; y++) {
          int year = spec.fromYear() + y;
          double pPhys = phys - 0.002 * y + planted(c, "survey", "dv_physical", y);
          double pEmot = emot - 0.002 * y + planted(c, "survey", "dv_emotional", y);
          for (int k = 0; k < spec.respondentsPerCluster(); k++) {
            w.write(String.format(Locale.ROOT, "%s-%d-%02d,%d,%s,%s,%.6f,%.6f,%.4f,%d,%d,%d%n", c.id(), year, k + 1, year, c.id(),
                c.district().ubigeo(), c.lon(), c.lat(), 0.5 + 1.5 * rnd.nextDouble(), 15 + rnd.nextInt(35),
                rnd.nextDouble() < pPhys ? 1 : 0, rnd.nextDouble() < pEmot ? 1 : 0));
            n++;
          }
        }
      }
    }
    return n;
  }

  /** District-year femicides and economic crimes, and hospitalisations by sex and ICD-10 code. */
  private long[] writeDistrictOutcomes(Path dir, SyntheticCountry country, List<CenterRollout.Center> centers, SplittableRandom rnd)
      throws IOException {
    Map<String, List<CenterRollout.Center>> byDistrict = new LinkedHashMap<>();
    for (CenterRollout.Center c : centers) {
      byDistrict.computeIfAbsent(c.district().ubigeo(), k -> new ArrayList<>()).add(c);
    }
    long nf = 0;
    long nh = 0;
    try (BufferedWriter fw = Files.newBufferedWriter(dir.resolve("femicides.csv"), StandardCharsets.UTF_8);
        BufferedWriter hw = Files.newBufferedWriter(dir.resolve("hospitalizations.csv"), StandardCharsets.UTF_8)) {
      fw.write("ubigeo,year,femicides,economic_crimes\n");
      hw.write("ubigeo,year,sex,icd10,cases\n");
      for (SyntheticCountry.District d : country.districts()) {
        List<CenterRollout.Center> own = byDistrict.getOrDefault(d.ubigeo(), List.of());
        int cohort = 0;
        for (int y = spec.fromYear(); y <= spec.toYear() && cohort == 0; y++) {
          for (CenterRollout.Center c : own) {
            if (open(c, y)) {
              cohort = y;
              break;
            }
          }
        }
        boolean designUnit = cohort > spec.fromYear() && stillOpen(own, cohort);
        double femBase = Math.max(0.3, 2.0 + 0.5 * SyntheticCountry.gaussian(rnd));
        double assaultBase = Math.max(5, 40 + 10 * SyntheticCountry.gaussian(rnd));
        double mhW = Math.max(50, 300 + 60 * SyntheticCountry.gaussian(rnd));
        double mhM = Math.max(50, 250 + 50 * SyntheticCountry.gaussian(rnd));
        double econ = Math.max(50, 400 + 100 * SyntheticCountry.gaussian(rnd));
        for (int y = spec.fromYear(); y <= spec.toYear(); y++) {
          int s = y - spec.fromYear();
          double g = Math.pow(d.growth(), s);
          double women = Math.round(d.women() * g);
          double men = Math.round(d.women() * d.menPerWoman() * g);
          int ring = -1;
          int oy = 0;
          for (CenterRollout.Center c : own) {
            if (open(c, y)) {
              ring = 0;
              oy = oy == 0 ? firstOpenYear(c) : Math.min(oy, firstOpenYear(c));
            }
          }
          DistrictEffects de = new DistrictEffects(effects, ring, y, oy, cohort, designUnit);
          double fem = rateCount(women, femBase + 0.01 * s + de.planted("femicide_rate"), rnd);
          double ec = rateCount(women + men, econ + 2 * s + de.planted("economic_crime_rate"), rnd);
          fw.write(String.format(Locale.ROOT, "%s,%d,%d,%d%n", d.ubigeo(), y, (long) fem, (long) ec));
          nf++;
          double aw = assaultBase + 0.2 * s + de.planted("assault_hosp_rate_women");
          double mw = mhW + 3 * s + de.planted("mental_health_rate_women");
          double mm = mhM + 2 * s + de.planted("mental_health_rate_men");
          // Each family is split over a few codes (independent Poisson parts add up to the family's Poisson count);
          // J18 (pneumonia) belongs to no family and must be ignored by the pipeline.
          nh += hosp(hw, d.ubigeo(), y, "F", women, new String[] {"F32", "F41", "F20", "X99", "Y04", "J18"},
              new double[] {0.5 * mw, 0.35 * mw, 0.15 * mw, 0.6 * aw, 0.4 * aw, 150}, rnd);
          nh += hosp(hw, d.ubigeo(), y, "M", men, new String[] {"F32", "F41", "F20", "J18"},
              new double[] {0.5 * mm, 0.35 * mm, 0.15 * mm, 150}, rnd);
        }
      }
    }
    return new long[] {nf, nh};
  }

  /** Whether some center of the district stays open in every year from {@code cohort} to the window's end. */
  private boolean stillOpen(List<CenterRollout.Center> own, int cohort) {
    for (int y = cohort; y <= spec.toYear(); y++) {
      int year = y;
      if (own.stream().noneMatch(c -> open(c, year))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A district-year's planted effects, recorded under ring1 and, for a district of the distance
   * design (a center first open inside the window and never all closed after), under "district".
   */
  private record DistrictEffects(PlantedEffects effects, int ring, int year, int openYear, int cohort, boolean designUnit) {
    double planted(String outcome) {
      double e = effects.effect("district", outcome, ring, ring < 0 ? Double.POSITIVE_INFINITY : 0, year, openYear, cohort);
      if (designUnit) {
        effects.record("district", outcome, "district", cohort, year, e);
      }
      return e;
    }
  }

  private static long hosp(Writer w, String ubigeo, int year, String sex, double pop, String[] codes, double[] rates,
      SplittableRandom rnd) throws IOException {
    long n = 0;
    for (int i = 0; i < codes.length; i++) {
      long cases = (long) rateCount(pop, rates[i], rnd);
      if (cases > 0) {
        w.write(String.format(Locale.ROOT, "%s,%d,%s,%s,%d%n", ubigeo, year, sex, codes[i], cases));
        n++;
      }
    }
    return n;
  }

  /** A Poisson count with mean pop x rate / 100,000. */
  private static double rateCount(double pop, double ratePer100k, SplittableRandom rnd) {
    double lambda = Math.max(0, pop * ratePer100k / 1e5);
    if (lambda < 40) {
      double l = Math.exp(-lambda);
      int k = 0;
      double p = rnd.nextDouble();
      while (p > l) {
        k++;
        p *= rnd.nextDouble();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * SyntheticCountry.gaussian(rnd)));
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
