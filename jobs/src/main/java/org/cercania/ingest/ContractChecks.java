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
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;
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
      Column text = text(c);
      Column[] typed = typed(c, text);
      typedColumns.add(typed[0].as(tmp(c.name())));
      if (!c.nullable()) {
        checks.add(new Check(text.isNull(), ReasonCode.MISSING_REQUIRED, c.name(),
            lit("required field '" + c.name() + "' is empty")));
      }
      checks.add(new Check(text.isNotNull().and(typed[1].unary_$bang()), ReasonCode.TYPE_MISMATCH, c.name(),
          concat(lit("'" + c.name() + "' = '"), text, lit("' is not " + article(c.type())))));
    }
    // One projection for the typed columns; the checks below then read them as plain attributes, which
    // keeps the plan small (a withColumn per column makes Spark re-analyse the plan each time).
    Dataset<Row> d = withFixes(raw.select(typedColumns.toArray(Column[]::new)), contract);
    for (TableSchema.ColumnSpec c : contract.columns()) {
      checks.addAll(valueChecks(c, contract));
    }
    return d.withColumn(PROBLEM, problem(checks));
  }

  /** The trimmed text of a contract column, empty as null; a 5-digit UBIGEO padded to 6. */
  private static Column text(TableSchema.ColumnSpec c) {
    Column r = trim(col(c.name()));
    Column text = when(r.equalTo(""), lit(null)).otherwise(r);
    // A 5-digit code lost its leading zero (a spreadsheet read it as a number): padded, recorded in fixes.
    return "ubigeo".equals(c.rule()) ? when(text.rlike("^[0-9]{5}$"), lpad(text, 6, "0")).otherwise(text) : text;
  }

  /** {typed value, text parses as the type}. */
  private static Column[] typed(TableSchema.ColumnSpec c, Column text) {
    switch (c.type()) {
      case "int", "long" -> {
        Column parseable = text.rlike("^[+-]?[0-9]+$");
        return new Column[] {when(parseable, text.cast(c.sparkType())), parseable};
      }
      case "double" -> {
        Column typed = text.cast("double");
        return new Column[] {typed, typed.isNotNull()};
      }
      case "date" -> {
        Column typed = to_date(text, "yyyy-MM-dd");
        return new Column[] {typed, typed.isNotNull()};
      }
      case "boolean" -> {
        Column parseable = text.rlike("^(?i)(true|false|0|1)$");
        return new Column[] {when(parseable, text.rlike("^(?i)(true|1)$")), parseable};
      }
      default -> {
        Column typed = "wkt_polygon".equals(c.rule()) ? coalesce(call_udf(REPAIR_UDF, text), text) : text;
        return new Column[] {typed, lit(true)};
      }
    }
  }

  /** The {@code __fixes} column (padded UBIGEO, repaired polygons, swapped lat/lon) and the swap itself. */
  private static Dataset<Row> withFixes(Dataset<Row> d, TableSchema contract) {
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
    if (!(hasRule(contract, "lon") && hasRule(contract, "lat"))) {
      return withFixes(d, fixes);
    }
    // Swapped back only when unambiguous: the pair as read is outside Peru's box and swapped it is inside.
    Column lon = col(tmp("lon"));
    Column lat = col(tmp("lat"));
    Column swap = lon.isNotNull().and(lat.isNotNull()).and(lon.between(LON_MIN, LON_MAX).unary_$bang())
        .and(lat.between(LAT_MIN, LAT_MAX).unary_$bang()).and(lat.between(LON_MIN, LON_MAX)).and(lon.between(LAT_MIN, LAT_MAX));
    fixes.add(when(swap, fix("lon,lat", concat(trim(col("lon")), lit(","), trim(col("lat"))),
        concat(trim(col("lat")), lit(","), trim(col("lon"))), ReasonCode.LATLON_SWAPPED)));
    // The fixes column reads the pair as read, so it is added before the swap.
    return withFixes(d, fixes).withColumns(Map.of(tmp("lon"), when(swap, lat).otherwise(lon), tmp("lat"),
        when(swap, lon).otherwise(lat)));
  }

  /** The checks on a typed value: its rule, its contract bounds, its date order. */
  private static List<Check> valueChecks(TableSchema.ColumnSpec c, TableSchema contract) {
    List<Check> checks = new ArrayList<>();
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
    return checks;
  }

  /** One flat CASE WHEN: the first failing check names the problem; a line the parser could not split comes first. */
  private static Column problem(List<Check> checks) {
    Column problem = when(col(SourceReader.CORRUPT).isNotNull(), struct(lit(ReasonCode.MALFORMED_ROW.name()).as("reason"),
        lit(null).cast("string").as("field"), when(col(SourceReader.CORRUPT).startsWith(SourceReader.BAD_GEOMETRY),
            col(SourceReader.CORRUPT)).otherwise(lit("the line does not split into the header's fields")).as("message")));
    for (Check k : checks) {
      problem = problem.when(k.failing(), struct(lit(k.reason().name()).as("reason"), lit(k.field()).as("field"),
          k.message().as("message")));
    }
    return problem;
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
        throw Errors.schema(contract.name(), "column '" + f + "' has unknown rule '" + c.rule() + "'");
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

  private static Dataset<Row> withFixes(Dataset<Row> d, List<Column> fixes) {
    return d.withColumn(FIXES, fixes.isEmpty() ? lit(null).cast(DataTypes.createArrayType(fixType()))
        : array_compact(array(fixes.toArray(Column[]::new))));
  }

  private static Column fix(String field, Column original, Column fixed, ReasonCode reason) {
    return struct(lit(field).as("field"), original.as("original"), fixed.cast("string").as("fixed"),
        lit(reason.name()).as("reason"));
  }

  static StructType fixType() {
    return DataTypes.createStructType(List.of(DataTypes.createStructField("field", DataTypes.StringType, true),
        DataTypes.createStructField("original", DataTypes.StringType, true),
        DataTypes.createStructField("fixed", DataTypes.StringType, true),
        DataTypes.createStructField("reason", DataTypes.StringType, true)));
  }

  static StructType problemType() {
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
