package org.cercania.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.io.TableSchema;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;
import org.locationtech.jts.io.WKTWriter;

/**
 * Row-level checks of a source against its contract in schemas/: each row gets the first failing
 * check as (reason, field, message), or null when it passes, and the normalisations applied to it
 * (a 5-digit UBIGEO padded, an unambiguously swapped lon/lat pair swapped back, an invalid polygon
 * repaired) as an array of (field, original, fixed, reason). Everything is a Spark column
 * expression, so a source of any size is checked in one pass.
 */
final class ContractChecks {
  /** Peru's bounding box with a small margin (degrees). */
  static final double LON_MIN = -81.5;
  static final double LON_MAX = -68.5;
  static final double LAT_MIN = -18.5;
  static final double LAT_MAX = 0.1;
  static final String PROBLEM = "__problem";
  static final String FIXES = "__fixes";
  static final String WKT_UDF = "cercania_wkt_problem";
  static final String REPAIR_UDF = "cercania_wkt_repair";

  private ContractChecks() {}

  /** A row check: when {@code failing} holds, the row is rejected with this reason. */
  private record Check(Column failing, ReasonCode reason, String field, Column message) {}

  static void register(SparkSession spark) {
    spark.udf().register(WKT_UDF, (UDF1<String, String>) ContractChecks::wktProblem, DataTypes.StringType);
    spark.udf().register(REPAIR_UDF, (UDF1<String, String>) ContractChecks::wktRepaired, DataTypes.StringType);
  }

  /**
   * The WKT of {@code wkt} repaired by JTS GeometryFixer when it is an invalid, non-empty Polygon or
   * MultiPolygon whose repair is a non-empty Polygon or MultiPolygon; null otherwise (valid, not
   * polygonal, unparseable, or not repairable: the row check then reports the original).
   */
  static String wktRepaired(String wkt) {
    if (wkt == null) {
      return null;
    }
    try {
      Geometry g = new WKTReader().read(wkt);
      if (!isPolygonal(g) || g.isEmpty() || g.isValid()) {
        return null;
      }
      Geometry fixed = GeometryFixer.fix(g);
      return isPolygonal(fixed) && !fixed.isEmpty() && fixed.isValid() ? new WKTWriter().write(fixed) : null;
    } catch (ParseException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isPolygonal(Geometry g) {
    return g.getGeometryType().equals("Polygon") || g.getGeometryType().equals("MultiPolygon");
  }

  /** Null when {@code wkt} is a valid Polygon or MultiPolygon, else what is wrong. */
  static String wktProblem(String wkt) {
    if (wkt == null) {
      return null;
    }
    try {
      Geometry g = new WKTReader().read(wkt);
      if (!isPolygonal(g)) {
        return "is a " + g.getGeometryType() + ", not a Polygon or MultiPolygon";
      }
      if (g.isEmpty()) {
        return "is empty";
      }
      if (!g.isValid()) {
        return "is not a valid polygon and GeometryFixer cannot repair it into one";
      }
      return null;
    } catch (ParseException | IllegalArgumentException e) {
      return "does not parse as WKT: " + e.getMessage();
    }
  }

  /** Adds the typed contract columns (named as in the contract) and the {@code __problem} struct. */
  static Dataset<Row> apply(Dataset<Row> raw, TableSchema contract) {
    List<Column> typedColumns = new ArrayList<>();
    for (String c : raw.columns()) {
      typedColumns.add(col(c));
    }
    List<Check> checks = new ArrayList<>();
    // Typed copies first, under temporary names: the raw text stays for messages.
    for (TableSchema.ColumnSpec c : contract.columns()) {
      Column r = trim(col(c.name()));
      Column text = when(r.equalTo(""), lit(null)).otherwise(r);
      if ("ubigeo".equals(c.rule())) {
        // A 5-digit code lost its leading zero (a spreadsheet read it as a number): padded, recorded in fixes.
        text = when(text.rlike("^[0-9]{5}$"), lpad(text, 6, "0")).otherwise(text);
      }
      Column typed;
      Column parseable;
      switch (c.type()) {
        case "int":
        case "long":
          parseable = text.rlike("^[+-]?[0-9]+$");
          typed = when(parseable, text.cast(c.sparkType()));
          break;
        case "double":
          typed = text.cast("double");
          parseable = typed.isNotNull();
          break;
        case "date":
          typed = to_date(text, "yyyy-MM-dd");
          parseable = typed.isNotNull();
          break;
        case "boolean":
          parseable = text.rlike("^(?i)(true|false|0|1)$");
          typed = when(parseable, text.rlike("^(?i)(true|1)$"));
          break;
        default:
          typed = "wkt_polygon".equals(c.rule()) ? coalesce(call_udf(REPAIR_UDF, text), text) : text;
          parseable = lit(true);
      }
      typedColumns.add(typed.as(tmp(c.name())));
      if (!c.nullable()) {
        checks.add(new Check(text.isNull(), ReasonCode.MISSING_REQUIRED, c.name(),
            lit("required field '" + c.name() + "' is empty")));
      }
      checks.add(new Check(text.isNotNull().and(parseable.unary_$bang()), ReasonCode.TYPE_MISMATCH, c.name(),
          concat(lit("'" + c.name() + "' = '"), text, lit("' is not " + article(c.type())))));
    }
    // One projection for the typed columns; the checks below then read them as plain attributes, which
    // keeps the plan small (a withColumn per column makes Spark re-analyse the plan each time).
    Dataset<Row> d = raw.select(typedColumns.toArray(Column[]::new));
    List<Column> fixes = new ArrayList<>();
    for (TableSchema.ColumnSpec c : contract.columns()) {
      Column original = trim(col(c.name()));
      Column v = col(tmp(c.name()));
      if ("ubigeo".equals(c.rule())) {
        fixes.add(when(original.rlike("^[0-9]{5}$"), fix(c.name(), original, v, ReasonCode.UBIGEO_PADDED)));
      } else if ("wkt_polygon".equals(c.rule())) {
        fixes.add(when(v.notEqual(original), fix(c.name(), original, v, ReasonCode.GEOMETRY_REPAIRED)));
      }
    }
    if (hasRule(contract, "lon") && hasRule(contract, "lat")) {
      // Swapped back only when unambiguous: the pair as read is outside Peru's box and swapped it is inside.
      Column lon = col(tmp("lon"));
      Column lat = col(tmp("lat"));
      Column swap = lon.isNotNull().and(lat.isNotNull()).and(lon.between(LON_MIN, LON_MAX).unary_$bang())
          .and(lat.between(LAT_MIN, LAT_MAX).unary_$bang()).and(lat.between(LON_MIN, LON_MAX)).and(lon.between(LAT_MIN, LAT_MAX));
      fixes.add(when(swap, fix("lon,lat", concat(trim(col("lon")), lit(","), trim(col("lat"))),
          concat(trim(col("lat")), lit(","), trim(col("lon"))), ReasonCode.LATLON_SWAPPED)));
      // The fixes column reads the pair as read, so it is added before the swap.
      d = withFixes(d, fixes).withColumns(Map.of(tmp("lon"), when(swap, lat).otherwise(lon), tmp("lat"),
          when(swap, lon).otherwise(lat)));
    } else {
      d = withFixes(d, fixes);
    }
    for (TableSchema.ColumnSpec c : contract.columns()) {
      Column v = col(tmp(c.name()));
      if (c.rule() != null) {
        checks.addAll(ruleChecks(c, v, contract));
      }
      if (c.min() != null || c.max() != null) {
        Column below = c.min() == null ? lit(false) : v.lt(c.min());
        Column above = c.max() == null ? lit(false) : v.gt(c.max());
        checks.add(new Check(v.isNotNull().and(below.or(above)), ReasonCode.VALUE_OUT_OF_RANGE, c.name(),
            concat(lit(c.name() + " = "), v.cast("string"), lit(" is outside [" + bound(c.min()) + ", " + bound(c.max()) + "]"))));
      }
      if (c.after() != null) {
        Column before = col(tmp(c.after()));
        checks.add(new Check(v.isNotNull().and(before.isNotNull()).and(v.lt(before)), ReasonCode.DATE_ORDER, c.name(),
            concat(lit(c.name() + " "), v.cast("string"), lit(" is before " + c.after() + " "), before.cast("string"))));
      }
    }
    // One flat CASE WHEN: the first failing check names the problem; a line the parser could not split comes first.
    Column problem = when(col(SourceReader.CORRUPT).isNotNull(), struct(lit(ReasonCode.MALFORMED_ROW.name()).as("reason"),
        lit(null).cast("string").as("field"), when(col(SourceReader.CORRUPT).startsWith(SourceReader.BAD_GEOMETRY),
            col(SourceReader.CORRUPT)).otherwise(lit("the line does not split into the header's fields")).as("message")));
    for (Check k : checks) {
      problem = problem.when(k.failing(), struct(lit(k.reason().name()).as("reason"), lit(k.field()).as("field"),
          k.message().as("message")));
    }
    return d.withColumn(PROBLEM, problem);
  }

  private static List<Check> ruleChecks(TableSchema.ColumnSpec c, Column v, TableSchema contract) {
    List<Check> out = new ArrayList<>();
    String f = c.name();
    switch (c.rule()) {
      case "ubigeo":
        out.add(new Check(v.isNotNull().and(v.rlike("^[0-9]{6}$").unary_$bang()), ReasonCode.UBIGEO_FORMAT, f,
            concat(lit("UBIGEO '"), v, lit("' is not 6 digits"))));
        break;
      case "lon":
      case "lat": {
        Column lon = col(tmp("lon"));
        Column lat = col(tmp("lat"));
        Column lonOk = lon.between(LON_MIN, LON_MAX);
        Column latOk = lat.between(LAT_MIN, LAT_MAX);
        if (c.rule().equals("lon")) {
          // An unambiguous swap was already fixed; what still looks swapped stays outside Peru when swapped back.
          out.add(new Check(lon.isNotNull().and(lat.isNotNull()).and(lonOk.unary_$bang()).and(latOk.unary_$bang())
              .and(lat.between(LON_MIN, LON_MAX)), ReasonCode.LATLON_SWAPPED, f,
              concat(lit("lon "), lon.cast("string"), lit(" / lat "), lat.cast("string"),
                  lit(" look swapped, but swapped back they are still outside Peru's bounding box"))));
        }
        Column ok = c.rule().equals("lon") ? lonOk : latOk;
        out.add(new Check(v.isNotNull().and(ok.unary_$bang()), ReasonCode.COORD_OUTSIDE_PERU, f,
            concat(lit(f + " "), v.cast("string"), lit(" is outside Peru's bounding box"))));
        break;
      }
      case "not_future":
        out.add(new Check(v.isNotNull().and(v.gt(current_date())), ReasonCode.DATE_FUTURE, f,
            concat(lit(f + " "), v.cast("string"), lit(" is in the future"))));
        break;
      case "year":
        out.add(new Check(v.isNotNull().and(v.lt(1990).or(v.gt(year(current_date())))), ReasonCode.YEAR_OUT_OF_RANGE, f,
            concat(lit("year "), v.cast("string"), lit(" is before 1990 or in the future"))));
        break;
      case "non_negative":
        out.add(new Check(v.isNotNull().and(v.lt(0)), ReasonCode.NEGATIVE_COUNT, f,
            concat(lit(f + " = "), v.cast("string"), lit(" is negative"))));
        break;
      case "rate":
        out.add(new Check(v.isNotNull().and(v.lt(0).or(v.gt(1))), ReasonCode.RATE_OUT_OF_RANGE, f,
            concat(lit(f + " = "), v.cast("string"), lit(" is outside [0, 1]"))));
        break;
      case "positive":
        out.add(new Check(v.isNotNull().and(v.leq(0)), ReasonCode.WEIGHT_NOT_POSITIVE, f,
            concat(lit(f + " = "), v.cast("string"), lit(" is not positive"))));
        break;
      case "sex":
        out.add(new Check(v.isNotNull().and(v.isin("F", "M").unary_$bang()), ReasonCode.VALUE_NOT_ALLOWED, f,
            concat(lit("sex '"), v, lit("' is not F or M"))));
        break;
      case "binary":
        out.add(new Check(v.isNotNull().and(v.isin(0, 1).unary_$bang()), ReasonCode.VALUE_NOT_ALLOWED, f,
            concat(lit(f + " = "), v.cast("string"), lit(" is not 0 or 1"))));
        break;
      case "icd10":
        out.add(new Check(v.isNotNull().and(v.rlike("^[A-Z][0-9]{2}(\\.?[0-9A-Z]{1,4})?$").unary_$bang()),
            ReasonCode.VALUE_NOT_ALLOWED, f, concat(lit("ICD-10 code '"), v, lit("' is not of the form A00 or A00.0"))));
        break;
      case "wkt_polygon": {
        Column problem = call_udf(WKT_UDF, v);
        out.add(new Check(problem.isNotNull(), ReasonCode.GEOMETRY_INVALID, f, concat(lit("geometry "), problem)));
        break;
      }
      default:
        throw org.cercania.errors.Errors.schema(contract.name(), "column '" + f + "' has unknown rule '" + c.rule() + "'");
    }
    return out;
  }

  /** A contract bound as written (15, not 15.0); an open end as 'any'. */
  private static String bound(Double b) {
    return b == null ? "any" : b == Math.rint(b) ? Long.toString(b.longValue()) : b.toString();
  }

  private static boolean hasRule(TableSchema contract, String rule) {
    return contract.columns().stream().anyMatch(c -> rule.equals(c.rule()) && c.name().equals(rule));
  }

  /**
   * Locates, for rows that passed the checks, each point among the district polygons, reusing the
   * exposure stage's assignment (smallest containing polygon; nearest within 5 km for coastline gaps).
   * A UBIGEO that is not in the district table is replaced by the district whose polygon covers the
   * point, when exactly one does (UBIGEO_REASSIGNED: the code is unknown, the location is not; with
   * none or several it stays unknown and the reference check rejects the row). A known UBIGEO whose
   * polygon does not hold the point is kept and recorded (POINT_IN_OTHER_DISTRICT, with the district
   * it does lie in).
   */
  static Dataset<Row> locate(Dataset<Row> d, Dataset<Row> districts) {
    org.cercania.geo.DistrictLocator locator = org.cercania.exposure.DistrictExposure.locator(districts,
        org.cercania.exposure.DistrictExposure.DEFAULT_TOLERANCE_M);
    org.apache.spark.sql.types.StructType found = DataTypes.createStructType(List.of(
        DataTypes.createStructField("reason", DataTypes.StringType, false),
        DataTypes.createStructField("ubigeo", DataTypes.StringType, false)));
    org.apache.spark.sql.expressions.UserDefinedFunction where = org.apache.spark.sql.functions.udf(
        (org.apache.spark.sql.api.java.UDF3<String, Double, Double, Row>) (ubigeo, lon, lat) -> {
          if (ubigeo == null || lon == null || lat == null) {
            return null;
          }
          if (locator.geometry(ubigeo) == null) {
            List<String> covering = locator.containing(lon, lat);
            return covering.size() == 1 ? org.apache.spark.sql.RowFactory.create(ReasonCode.UBIGEO_REASSIGNED.name(),
                covering.get(0)) : null;
          }
          org.cercania.exposure.DistrictExposure.Assignment a = org.cercania.exposure.DistrictExposure.assign(locator, ubigeo, lon, lat);
          boolean other = org.cercania.exposure.DistrictExposure.FLAG_OTHER_DISTRICT.equals(a.flag())
              || org.cercania.exposure.DistrictExposure.FLAG_OUTSIDE.equals(a.flag());
          return other ? org.apache.spark.sql.RowFactory.create(ReasonCode.POINT_IN_OTHER_DISTRICT.name(),
              a.locatedUbigeo() == null ? "none" : a.locatedUbigeo()) : null;
        }, found);
    Column located = when(col(PROBLEM).isNull(), where.apply(col(tmp("ubigeo")), col(tmp("lon")), col(tmp("lat"))));
    Column fixRow = struct(lit("ubigeo").as("field"), col(tmp("ubigeo")).as("original"), col("__located.ubigeo").as("fixed"),
        col("__located.reason").as("reason"));
    return d.withColumn("__located", located)
        .withColumn(FIXES, when(col("__located").isNotNull(), concat(col(FIXES), array(fixRow))).otherwise(col(FIXES)))
        .withColumn(tmp("ubigeo"), when(col("__located.reason").equalTo(ReasonCode.UBIGEO_REASSIGNED.name()),
            col("__located.ubigeo")).otherwise(col(tmp("ubigeo"))))
        .drop("__located");
  }

  private static Dataset<Row> withFixes(Dataset<Row> d, List<Column> fixes) {
    return d.withColumn(FIXES, fixes.isEmpty() ? lit(null).cast(DataTypes.createArrayType(fixType()))
        : array_compact(array(fixes.toArray(Column[]::new))));
  }

  private static Column fix(String field, Column original, Column fixed, ReasonCode reason) {
    return struct(lit(field).as("field"), original.as("original"), fixed.cast("string").as("fixed"),
        lit(reason.name()).as("reason"));
  }

  static org.apache.spark.sql.types.StructType fixType() {
    return DataTypes.createStructType(List.of(DataTypes.createStructField("field", DataTypes.StringType, true),
        DataTypes.createStructField("original", DataTypes.StringType, true),
        DataTypes.createStructField("fixed", DataTypes.StringType, true),
        DataTypes.createStructField("reason", DataTypes.StringType, true)));
  }

  static org.apache.spark.sql.types.StructType problemType() {
    return DataTypes.createStructType(List.of(DataTypes.createStructField("reason", DataTypes.StringType, true),
        DataTypes.createStructField("field", DataTypes.StringType, true),
        DataTypes.createStructField("message", DataTypes.StringType, true)));
  }

  static String tmp(String column) {
    return "__typed_" + column;
  }

  private static String article(String type) {
    switch (type) {
      case "int":
      case "long":
        return "an integer";
      case "double":
        return "a number";
      case "date":
        return "a date (yyyy-MM-dd)";
      case "boolean":
        return "true or false";
      default:
        return "a " + type;
    }
  }
}
