package org.cercania.ingest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.WKTWriter;

/**
 * Reads an ESRI Shapefile of polygons (the .shp with its .dbf attributes; .prj for the CRS, .cpg for
 * the .dbf's encoding) as a source in the text shape of {@link TextFrame}: one row per record (the
 * record number is the row number), attributes by their .dbf field names, the polygon as WKT in the
 * file's own CRS (ingest reprojects it). Rings follow the format's rule: clockwise rings are shells,
 * counter-clockwise ones holes of the shell that contains them. GeoTools' own shapefile store is not
 * on Maven Central, hence this reader of the published format (ESRI white paper, 1998).
 */
final class ShapefileSource {
  private static final int POLYGON = 5;
  private static final int POLYGON_Z = 15;
  private static final int POLYGON_M = 25;

  private ShapefileSource() {}

  static Dataset<Row> read(SparkSession spark, String file, TableSchema contract, Map<String, String> columns, String encoding) {
    if (!file.toLowerCase(Locale.ROOT).endsWith(".shp")) {
      throw Errors.inputUnreadable(file, "a Shapefile is given by its .shp file (its .dbf and .prj beside it)", null);
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    byte[] shp = bytes(conf, file, true);
    String base = file.substring(0, file.length() - 4);
    byte[] dbf = bytes(conf, base + ".dbf", true);
    byte[] cpg = bytes(conf, base + ".cpg", false);
    Charset charset = Charset.forName(encoding != null ? encoding
        : cpg != null ? codePage(new String(cpg, StandardCharsets.US_ASCII).trim())
        : CsvDialect.sniffEncoding(dbf, dbf.length));
    List<String> fields = new ArrayList<>();
    List<String[]> attributes = attributes(base + ".dbf", dbf, charset, fields);
    String geometry = contract.columns().stream().filter(c -> "wkt_polygon".equals(c.rule())).map(TableSchema.ColumnSpec::name)
        .findFirst().orElse(null);
    TextFrame.requireColumns(file, contract, columns, geometry == null ? Set.of() : Set.of(geometry), fields);
    List<String> header = new ArrayList<>(fields);
    header.add(geometry);
    List<Object[]> rows = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(shp);
    if (shp.length < 100 || b.order(ByteOrder.BIG_ENDIAN).getInt(0) != 9994) {
      throw Errors.inputUnreadable(file, "is not an ESRI Shapefile (no file code 9994 in its header)", null);
    }
    int pos = 100;
    long line = 0;
    GeometryFactory gf = new GeometryFactory();
    WKTWriter wkt = new WKTWriter();
    while (pos + 8 <= shp.length) {
      line++;
      int length = 2 * b.order(ByteOrder.BIG_ENDIAN).getInt(pos + 4);
      int start = pos + 8;
      if (start + length > shp.length || length < 4) {
        throw Errors.inputUnreadable(file, "record " + line + " runs past the end of the file (truncated)", null);
      }
      if (line > attributes.size()) {
        throw Errors.inputUnreadable(file, "has more records than its .dbf (" + attributes.size() + ")", null);
      }
      Object[] v = new Object[header.size() + 3];
      String[] a = attributes.get((int) line - 1);
      System.arraycopy(a, 0, v, 0, a.length);
      String raw = String.join(",", Arrays.stream(a).map(x -> x == null ? "" : x).toList());
      try {
        Geometry g = polygon(b.order(ByteOrder.LITTLE_ENDIAN), start, gf);
        v[fields.size()] = g == null ? null : wkt.write(g);
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        v[header.size()] = SourceReader.BAD_GEOMETRY + "a Shapefile polygon: " + e.getMessage();
      }
      v[header.size() + 1] = line;
      v[header.size() + 2] = raw;
      rows.add(v);
      pos = start + length;
    }
    if (line < attributes.size()) {
      throw Errors.inputUnreadable(file, "has " + line + " shapes but its .dbf has " + attributes.size() + " records", null);
    }
    Dataset<Row> d = TextFrame.of(spark, header, rows);
    return TextFrame.contractColumns(d, contract, columns, Set.of(), header);
  }

  /** The .prj beside {@code file} (its CRS as WKT), or null when there is none. */
  static String prjCrs(SparkSession spark, String file) {
    byte[] prj = bytes(spark.sparkContext().hadoopConfiguration(), file.substring(0, file.length() - 4) + ".prj", false);
    return prj == null ? null : new String(prj, StandardCharsets.UTF_8).trim();
  }

  /** One record's polygon (null for a null shape); IllegalArgumentException for another shape type. */
  private static Geometry polygon(ByteBuffer b, int at, GeometryFactory gf) {
    int type = b.getInt(at);
    if (type == 0) {
      return null;
    }
    if (type != POLYGON && type != POLYGON_Z && type != POLYGON_M) {
      throw new IllegalArgumentException("shape type " + type + " is not a polygon");
    }
    int parts = b.getInt(at + 36);
    int points = b.getInt(at + 40);
    int[] first = new int[parts + 1];
    for (int i = 0; i < parts; i++) {
      first[i] = b.getInt(at + 44 + 4 * i);
    }
    first[parts] = points;
    int xy = at + 44 + 4 * parts;
    List<LinearRing> shells = new ArrayList<>();
    List<LinearRing> holes = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      Coordinate[] ring = new Coordinate[first[p + 1] - first[p]];
      for (int i = 0; i < ring.length; i++) {
        int o = xy + 16 * (first[p] + i);
        ring[i] = new Coordinate(b.getDouble(o), b.getDouble(o + 8));
      }
      LinearRing r = gf.createLinearRing(ring);
      (Orientation.isCCW(ring) ? holes : shells).add(r);
    }
    List<List<LinearRing>> holesOf = new ArrayList<>();
    shells.forEach(s -> holesOf.add(new ArrayList<>()));
    for (LinearRing h : holes) {
      int owner = -1;
      for (int s = 0; s < shells.size() && owner < 0; s++) {
        if (gf.createPolygon(shells.get(s)).covers(gf.createPoint(h.getCoordinateN(0)))) {
          owner = s;
        }
      }
      if (owner < 0) {
        shells.add(h); // a counter-clockwise ring inside no shell: written the other way round, taken as a shell
        holesOf.add(new ArrayList<>());
      } else {
        holesOf.get(owner).add(h);
      }
    }
    Polygon[] polygons = new Polygon[shells.size()];
    for (int s = 0; s < polygons.length; s++) {
      polygons[s] = gf.createPolygon(shells.get(s), holesOf.get(s).toArray(LinearRing[]::new));
    }
    return polygons.length == 1 ? polygons[0] : gf.createMultiPolygon(polygons);
  }

  /** The .dbf's records (deleted ones skipped), each field trimmed; {@code fields} receives the field names. */
  private static List<String[]> attributes(String file, byte[] dbf, Charset charset, List<String> fields) {
    ByteBuffer b = ByteBuffer.wrap(dbf).order(ByteOrder.LITTLE_ENDIAN);
    if (dbf.length < 32) {
      throw Errors.inputUnreadable(file, "is not a dBASE file (shorter than its header)", null);
    }
    int records = b.getInt(4);
    int headerLength = Short.toUnsignedInt(b.getShort(8));
    int recordLength = Short.toUnsignedInt(b.getShort(10));
    List<Integer> widths = new ArrayList<>();
    for (int at = 32; at + 32 <= headerLength && dbf[at] != 0x0D; at += 32) {
      int end = at;
      while (end < at + 11 && dbf[end] != 0) {
        end++;
      }
      fields.add(new String(dbf, at, end - at, StandardCharsets.US_ASCII));
      widths.add(Byte.toUnsignedInt(dbf[at + 16]));
    }
    List<String[]> out = new ArrayList<>();
    for (int r = 0; r < records; r++) {
      int at = headerLength + r * recordLength;
      if (at + recordLength > dbf.length) {
        throw Errors.inputUnreadable(file, "record " + (r + 1) + " runs past the end of the file (truncated)", null);
      }
      if (dbf[at] == '*') {
        continue;
      }
      String[] v = new String[widths.size()];
      int o = at + 1;
      for (int f = 0; f < v.length; f++) {
        String s = new String(dbf, o, widths.get(f), charset).trim();
        v[f] = s.isEmpty() ? null : s;
        o += widths.get(f);
      }
      out.add(v);
    }
    return out;
  }

  /** A .cpg's code page as a Java charset name (ESRI writes e.g. UTF-8, 1252 or 88591). */
  private static String codePage(String cpg) {
    String c = cpg.toUpperCase(Locale.ROOT);
    return c.equals("88591") || c.equals("ISO88591") || c.equals("LATIN1") ? "ISO-8859-1" : c.matches("\\d+") ? "windows-" + c : cpg;
  }

  private static byte[] bytes(Configuration conf, String file, boolean required) {
    Path p = new Path(file);
    try (InputStream in = FileSystem.get(p.toUri(), conf).open(p)) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      if (required) {
        throw Errors.inputMissing(file);
      }
      return null;
    } catch (IOException e) {
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()), e);
    }
  }
}
