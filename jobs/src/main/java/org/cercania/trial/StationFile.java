package org.cercania.trial;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cercania.errors.Errors;

/**
 * Reads the units (stations) file of a trial: a CSV with a header, one row per station. Row numbers
 * in errors count data rows from 1 (the header is not a row). Ids must be unique and non-empty, the
 * stratum column (when given) filled on every row, and the covariate columns numeric.
 */
public final class StationFile {
  /** The stations and the names of their covariate columns. */
  public record Contents(Path file, List<Station> stations, List<String> covariates) {}

  private StationFile() {}

  /**
   * @param idColumn the id column
   * @param strataColumn the stratum column, or null for one stratum
   * @param covariates the covariate columns, or null for every other column whose values are all numeric
   */
  public static Contents read(Path file, String idColumn, String strataColumn, List<String> covariates) {
    if (!Files.isRegularFile(file)) {
      throw Errors.inputMissing(file);
    }
    List<String[]> rows;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      CsvParserSettings settings = new CsvParserSettings();
      settings.setHeaderExtractionEnabled(false);
      settings.setSkipEmptyLines(true);
      settings.setLineSeparatorDetectionEnabled(true);
      rows = new CsvParser(settings).parseAll(in);
    } catch (IOException | RuntimeException e) {
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()).split("\n")[0], e);
    }
    if (rows.isEmpty()) {
      throw Errors.inputUnreadable(file, "the file is empty (a header row is expected)", null);
    }
    List<String> header = Arrays.stream(rows.get(0)).map(h -> h == null ? "" : h.trim()).toList();
    int id = column(file, header, idColumn);
    int stratum = strataColumn == null ? -1 : column(file, header, strataColumn);
    List<String> covs = covariates != null ? covariates : numericColumns(header, rows, id, stratum);
    int[] cov = covs.stream().mapToInt(c -> column(file, header, c)).toArray();
    List<Station> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int r = 1; r < rows.size(); r++) {
      String[] f = rows.get(r);
      String key = field(f, id);
      if (key == null) {
        throw Errors.missingValue(file, r, idColumn);
      }
      Integer first = seen.putIfAbsent(key, r);
      if (first != null) {
        throw Errors.duplicateRow(file, r, idColumn, key, first);
      }
      String s = stratum < 0 ? "all" : field(f, stratum);
      if (s == null) {
        throw Errors.missingValue(file, r, strataColumn);
      }
      double[] x = new double[cov.length];
      for (int j = 0; j < cov.length; j++) {
        String v = field(f, cov[j]);
        try {
          x[j] = Double.parseDouble(v == null ? "" : v);
        } catch (NumberFormatException e) {
          throw Errors.badValue(file, r, covs.get(j), v == null ? "" : v, "a number");
        }
      }
      out.add(new Station(key, s, r, x));
    }
    return new Contents(file, out, covs);
  }

  private static String field(String[] f, int i) {
    if (i >= f.length || f[i] == null || f[i].trim().isEmpty()) {
      return null;
    }
    return f[i].trim();
  }

  private static int column(Path file, List<String> header, String name) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw Errors.missingColumn(file, name, header);
    }
    return i;
  }

  private static List<String> numericColumns(List<String> header, List<String[]> rows, int id, int stratum) {
    List<String> out = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      if (c == id || c == stratum) {
        continue;
      }
      boolean numeric = rows.size() > 1;
      for (int r = 1; r < rows.size() && numeric; r++) {
        String v = field(rows.get(r), c);
        numeric = v != null && v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
      }
      if (numeric) {
        out.add(header.get(c));
      }
    }
    return out;
  }
}
