package org.cercania.ingest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cercania.errors.Errors;

/**
 * How one source's file is read: its format (one of {@link #FORMATS}; null = by extension), the mapping from
 * contract columns to the file's own column or property names, and, for a directory of centers
 * without ids or opening dates, whether ingest generates them: {@code generatedIds} makes center_id
 * {@code CEM-<data row, 3 digits>} (deterministic for a given file; the row order of the directory
 * is its identity), {@code schedule} draws opened_on from a {@link CemSchedule}, and {@code split}
 * turns a wide file of district totals by year into population rows (one per district and year).
 * {@code encoding} (UTF-8 or ISO-8859-1; null = sniffed) overrides the text encoding of a CSV or
 * a Shapefile's .dbf; {@code crs} (e.g. EPSG:32718; null = what the file says, else lon/lat WGS84)
 * is the CRS of the geometries, reprojected to lon/lat WGS84.
 */
public record SourceOptions(String format, Map<String, String> columns, boolean generatedIds, CemSchedule schedule,
    PopulationSplit split, String encoding, String crs) {
  public static final SourceOptions DEFAULT = new SourceOptions(null, Map.of(), false, null, null);
  /** The formats a source can be read from. */
  public static final List<String> FORMATS = List.of("csv", "geojson", "parquet", "xlsx", "shapefile");
  /** The text encodings a source can be told to have. */
  public static final List<String> ENCODINGS = List.of("UTF-8", "ISO-8859-1");

  public SourceOptions {
    columns = Map.copyOf(columns);
    if (encoding != null && !ENCODINGS.contains(encoding.toUpperCase(Locale.ROOT))) {
      throw Errors.badOptionValue("--encoding", encoding, String.join(" or ", ENCODINGS));
    }
    encoding = encoding == null ? null : encoding.toUpperCase(Locale.ROOT);
  }

  public SourceOptions(String format, Map<String, String> columns, boolean generatedIds, CemSchedule schedule,
      PopulationSplit split) {
    this(format, columns, generatedIds, schedule, split, null, null);
  }

  public SourceOptions(String format, Map<String, String> columns, boolean generatedIds, CemSchedule schedule) {
    this(format, columns, generatedIds, schedule, null);
  }

  /** These options with the text encoding and the geometries' CRS given (null keeps the default). */
  public SourceOptions reading(String encoding, String crs) {
    return new SourceOptions(format, columns, generatedIds, schedule, split, encoding, crs);
  }

  /**
   * Population given as one total per district and year in columns ({@code years}: year to column),
   * split into women = round(total x womenShare) and men = total - women. The Peru study uses 0.508,
   * the women's share of the 2017 census (14,931,127 of 29,381,884), the same in every district.
   */
  public record PopulationSplit(Map<Integer, String> years, double womenShare) {
    public PopulationSplit {
      years = Map.copyOf(years);
    }
  }

  /** Contract columns this source does not read from its file. */
  Set<String> generated() {
    Set<String> g = new TreeSet<>();
    if (generatedIds) {
      g.add("center_id");
    }
    if (schedule != null) {
      g.add("opened_on");
    }
    if (split != null) {
      g.add("year");
      g.add("women");
      g.add("men");
    }
    return g;
  }

  /** One of {@link #FORMATS}: the option if given, else by the file's extension (.geojson/.json, .parquet, .xlsx, .shp, else csv). */
  String formatOf(String file) {
    if (format != null) {
      return format.toLowerCase(Locale.ROOT);
    }
    String f = file.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    return f.endsWith(".geojson") || f.endsWith(".json") ? "geojson" : f.endsWith(".parquet") ? "parquet"
        : f.endsWith(".xlsx") ? "xlsx" : f.endsWith(".shp") ? "shapefile" : "csv";
  }
}
