package org.cercania.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.errors.Errors;
import org.cercania.geo.Crs;
import org.geotools.api.referencing.operation.TransformException;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;
import org.locationtech.jts.io.WKTWriter;

/**
 * A source's WKT geometry column reprojected from the file's CRS to lon/lat WGS84 (the contract's
 * CRS), before the geometry checks. Text that does not parse as WKT is left as it is, for the
 * checks to reject with their message.
 */
final class Reprojection {
  static final String FAILED = "REPROJECTION FAILED: ";

  private Reprojection() {}

  static Dataset<Row> apply(Dataset<Row> text, String column, String crs, String file) {
    try {
      Crs.decode(crs);
    } catch (IllegalArgumentException e) {
      throw Errors.inputUnreadable(file, "its CRS '" + abbreviate(crs) + "' is " + e.getMessage(), e);
    }
    UserDefinedFunction reproject = functions.udf((UDF2<String, String, String>) Reprojection::toLonLat, DataTypes.StringType);
    return text.withColumn(column, reproject.apply(col(column), lit(crs)));
  }

  static String toLonLat(String wkt, String crs) {
    if (wkt == null || wkt.isBlank()) {
      return wkt;
    }
    Geometry g;
    try {
      g = new WKTReader().read(wkt);
    } catch (ParseException | IllegalArgumentException e) {
      return wkt;
    }
    try {
      return new WKTWriter().write(Crs.toLonLat(g, crs));
    } catch (TransformException | RuntimeException e) {
      return FAILED + e.getMessage();
    }
  }

  private static String abbreviate(String crs) {
    String s = crs.replaceAll("\\s+", " ");
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
