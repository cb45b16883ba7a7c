package org.cercania.ingest;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one source's file is read: its format (csv or geojson; null = by extension), the mapping from
 * contract columns to the file's own column or property names, and, for a directory of centers
 * without ids or opening dates, whether ingest generates them: {@code generatedIds} makes center_id
 * {@code CEM-<data row, 3 digits>} (deterministic for a given file; the row order of the directory
 * is its identity), {@code schedule} draws opened_on from a {@link CemSchedule}, and {@code split}
 * turns a wide file of district totals by year into population rows (one per district and year).
 */
public record SourceOptions(String format, Map<String, String> columns, boolean generatedIds, CemSchedule schedule,
    PopulationSplit split) {
  public static final SourceOptions DEFAULT = new SourceOptions(null, Map.of(), false, null, null);

  public SourceOptions {
    columns = Map.copyOf(columns);
  }

  public SourceOptions(String format, Map<String, String> columns, boolean generatedIds, CemSchedule schedule) {
    this(format, columns, generatedIds, schedule, null);
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

  /** csv, geojson or parquet: the option if given, else by the file's extension. */
  String formatOf(String file) {
    if (format != null) {
      return format.toLowerCase(java.util.Locale.ROOT);
    }
    String f = file.toLowerCase(java.util.Locale.ROOT);
    return f.endsWith(".geojson") || f.endsWith(".json") ? "geojson" : f.endsWith(".parquet") ? "parquet" : "csv";
  }
}
