package org.cercania.ingest;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * Reads the first sheet of an XLSX workbook (Office Open XML, as the ministry publishes its CEM
 * directory) as a source in the text shape of {@link TextFrame}: the first non-empty row is the
 * header, each later non-empty row a record whose row number is its spreadsheet row (so a reject
 * names the row a person sees), empty rows skipped. Cells become text: shared and inline strings
 * as written, numbers in their shortest decimal form (150101, -77.03), date-formatted numbers as
 * yyyy-MM-dd, booleans as true/false. A zip and StAX reader of the published format (ECMA-376)
 * rather than Apache POI, whose commons-compress and commons-io would clash with Spark's own.
 */
final class XlsxSource {
  private static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

  private XlsxSource() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, Map<String, String> columns,
      Set<String> generated) {
    Map<String, byte[]> parts = unzip(spark, file);
    if (!parts.containsKey("xl/workbook.xml")) {
      throw Errors.inputUnreadable(file, "is not an XLSX workbook (no xl/workbook.xml in it)", null);
    }
    try {
      Workbook book = Workbook.of(parts);
      byte[] sheet = parts.get(book.firstSheet());
      if (sheet == null) {
        throw Errors.inputUnreadable(file, "its first sheet " + book.firstSheet() + " is missing from the workbook", null);
      }
      TreeMap<Long, TreeMap<Integer, String>> cells = cells(sheet, book);
      if (cells.isEmpty()) {
        throw Errors.inputUnreadable(file, "the first sheet is empty (no header row)", null);
      }
      Map.Entry<Long, TreeMap<Integer, String>> first = cells.pollFirstEntry();
      List<String> header = new ArrayList<>();
      Map<Integer, Integer> slot = new HashMap<>();
      first.getValue().forEach((col, name) -> {
        slot.put(col, header.size());
        header.add(name.trim());
      });
      TextFrame.requireColumns(file, contract, columns, generated, header);
      List<Object[]> rows = new ArrayList<>();
      for (Map.Entry<Long, TreeMap<Integer, String>> r : cells.entrySet()) {
        Object[] v = new Object[header.size() + 3];
        List<String> raw = new ArrayList<>();
        r.getValue().forEach((col, text) -> {
          Integer i = slot.get(col);
          if (i != null) {
            v[i] = text;
          }
          raw.add(text);
        });
        if (r.getValue().keySet().stream().anyMatch(c -> !slot.containsKey(c))) {
          v[header.size()] = "the row has cells beyond the header's columns";
        }
        v[header.size() + 1] = r.getKey();
        v[header.size() + 2] = String.join(",", raw);
        rows.add(v);
      }
      return TextFrame.contractColumns(TextFrame.of(spark, header, rows), contract, columns, generated, header);
    } catch (XMLStreamException | RuntimeException e) {
      if (e instanceof CercaniaException c) {
        throw c;
      }
      throw Errors.inputUnreadable(file, "is not a readable XLSX workbook (" + e.getMessage() + ")", e);
    }
  }

  /** What the cells need from the workbook: shared strings, which styles are dates, the date base, the first sheet. */
  private record Workbook(List<String> strings, Set<Integer> dateStyles, LocalDate epoch, String firstSheet) {
    static Workbook of(Map<String, byte[]> parts) throws XMLStreamException {
      String rid = null;
      boolean date1904 = false;
      XMLStreamReader x = xml(parts.get("xl/workbook.xml"));
      while (x.hasNext()) {
        if (x.next() == XMLStreamConstants.START_ELEMENT) {
          if (x.getLocalName().equals("workbookPr")) {
            date1904 = "1".equals(x.getAttributeValue(null, "date1904")) || "true".equals(x.getAttributeValue(null, "date1904"));
          } else if (x.getLocalName().equals("sheet") && rid == null) {
            for (int i = 0; i < x.getAttributeCount(); i++) {
              if (x.getAttributeLocalName(i).equals("id")) {
                rid = x.getAttributeValue(i);
              }
            }
          }
        }
      }
      String target = "worksheets/sheet1.xml";
      byte[] rels = parts.get("xl/_rels/workbook.xml.rels");
      if (rels != null && rid != null) {
        XMLStreamReader r = xml(rels);
        while (r.hasNext()) {
          if (r.next() == XMLStreamConstants.START_ELEMENT && rid.equals(r.getAttributeValue(null, "Id"))) {
            target = r.getAttributeValue(null, "Target");
          }
        }
      }
      String sheet = target.startsWith("/") ? target.substring(1) : "xl/" + target;
      return new Workbook(sharedStrings(parts.get("xl/sharedStrings.xml")), XlsxSource.dateStyles(parts.get("xl/styles.xml")),
          date1904 ? LocalDate.of(1904, 1, 1) : LocalDate.of(1899, 12, 30), sheet);
    }
  }

  /** Row number to (column index to cell text) for every non-empty cell. */
  private static TreeMap<Long, TreeMap<Integer, String>> cells(byte[] sheet, Workbook book) throws XMLStreamException {
    TreeMap<Long, TreeMap<Integer, String>> rows = new TreeMap<>();
    XMLStreamReader x = xml(sheet);
    long row = 0;
    int col = -1;
    String type = null;
    int style = 0;
    StringBuilder value = null;
    boolean inValue = false;
    while (x.hasNext()) {
      int e = x.next();
      if (e == XMLStreamConstants.START_ELEMENT) {
        switch (x.getLocalName()) {
          case "row" -> {
            String r = x.getAttributeValue(null, "r");
            row = r == null ? row + 1 : Long.parseLong(r);
            col = -1;
          }
          case "c" -> {
            String ref = x.getAttributeValue(null, "r");
            col = ref == null ? col + 1 : column(ref);
            type = x.getAttributeValue(null, "t");
            String s = x.getAttributeValue(null, "s");
            style = s == null ? 0 : Integer.parseInt(s);
            value = new StringBuilder();
          }
          case "v", "t" -> inValue = value != null;
          default -> { }
        }
      } else if (e == XMLStreamConstants.CHARACTERS && inValue) {
        value.append(x.getText());
      } else if (e == XMLStreamConstants.END_ELEMENT) {
        switch (x.getLocalName()) {
          case "v", "t" -> inValue = false;
          case "c" -> {
            String text = text(value.toString(), type, style, book);
            if (text != null && !text.isBlank()) {
              rows.computeIfAbsent(row, k -> new TreeMap<>()).put(col, text);
            }
            value = null;
          }
          default -> { }
        }
      }
    }
    return rows;
  }

  private static String text(String v, String type, int style, Workbook book) {
    if (v.isEmpty()) {
      return null;
    }
    switch (type == null ? "n" : type) {
      case "s":
        return book.strings().get(Integer.parseInt(v.trim()));
      case "b":
        return v.trim().equals("1") ? "true" : "false";
      case "n": {
        double d = Double.parseDouble(v);
        if (book.dateStyles().contains(style)) {
          return book.epoch().plusDays((long) Math.floor(d)).toString();
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
      }
      default: // str (formula result), inlineStr, e (error text such as #N/A)
        return v;
    }
  }

  /** Zero-based column index of a cell reference such as AB12. */
  private static int column(String ref) {
    int c = 0;
    for (int i = 0; i < ref.length() && Character.isLetter(ref.charAt(i)); i++) {
      c = c * 26 + (Character.toUpperCase(ref.charAt(i)) - 'A' + 1);
    }
    return c - 1;
  }

  private static List<String> sharedStrings(byte[] part) throws XMLStreamException {
    List<String> out = new ArrayList<>();
    if (part == null) {
      return out;
    }
    XMLStreamReader x = xml(part);
    StringBuilder si = null;
    boolean inT = false;
    int phonetic = 0;
    while (x.hasNext()) {
      int e = x.next();
      if (e == XMLStreamConstants.START_ELEMENT) {
        switch (x.getLocalName()) {
          case "si" -> si = new StringBuilder();
          case "rPh" -> phonetic++;
          case "t" -> inT = si != null && phonetic == 0;
          default -> { }
        }
      } else if (e == XMLStreamConstants.CHARACTERS && inT) {
        si.append(x.getText());
      } else if (e == XMLStreamConstants.END_ELEMENT) {
        switch (x.getLocalName()) {
          case "si" -> out.add(si.toString());
          case "rPh" -> phonetic--;
          case "t" -> inT = false;
          default -> { }
        }
      }
    }
    return out;
  }

  /** Indices of the cell formats (cellXfs) whose number format shows a date. */
  private static Set<Integer> dateStyles(byte[] part) throws XMLStreamException {
    Set<Integer> out = new HashSet<>();
    if (part == null) {
      return out;
    }
    Map<Integer, String> custom = new HashMap<>();
    XMLStreamReader x = xml(part);
    boolean inCellXfs = false;
    int xf = 0;
    while (x.hasNext()) {
      int e = x.next();
      if (e == XMLStreamConstants.START_ELEMENT) {
        switch (x.getLocalName()) {
          case "numFmt" -> custom.put(Integer.parseInt(x.getAttributeValue(null, "numFmtId")), x.getAttributeValue(null, "formatCode"));
          case "cellXfs" -> inCellXfs = true;
          case "xf" -> {
            if (inCellXfs) {
              String id = x.getAttributeValue(null, "numFmtId");
              if (id != null && isDateFormat(Integer.parseInt(id), custom)) {
                out.add(xf);
              }
              xf++;
            }
          }
          default -> { }
        }
      } else if (e == XMLStreamConstants.END_ELEMENT && x.getLocalName().equals("cellXfs")) {
        inCellXfs = false;
      }
    }
    return out;
  }

  /** Built-in date formats 14-17 and 22, or a custom format with a day or year field outside quotes and brackets. */
  private static boolean isDateFormat(int id, Map<Integer, String> custom) {
    if ((id >= 14 && id <= 17) || id == 22) {
      return true;
    }
    String code = custom.get(id);
    return code != null && code.replaceAll("\"[^\"]*\"|\\[[^]]*]", "").toLowerCase(Locale.ROOT).matches(".*[dy].*");
  }

  private static XMLStreamReader xml(byte[] part) throws XMLStreamException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f.createXMLStreamReader(new ByteArrayInputStream(part));
  }

  private static Map<String, byte[]> unzip(SparkSession spark, String file) {
    Path p = new Path(file);
    Map<String, byte[]> parts = new HashMap<>();
    try (InputStream in = FileSystem.get(p.toUri(), spark.sparkContext().hadoopConfiguration()).open(p);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        parts.put(e.getName(), zip.readAllBytes());
      }
    } catch (FileNotFoundException e) {
      throw Errors.inputMissing(file);
    } catch (IOException e) {
      throw Errors.inputUnreadable(file, "is not an XLSX workbook (not a readable zip: " + e.getMessage() + ")", e);
    }
    return parts;
  }
}
