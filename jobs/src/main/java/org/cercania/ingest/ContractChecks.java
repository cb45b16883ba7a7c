package org.cercania.ingest;

import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.io.TableSchema;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/**
 * Row-level checks of a source against its contract in schemas/: each row gets the first failing
 * check as (reason, field, message), or null when it passes. Everything is a Spark column
 * expression, so a source of any size is checked in one pass.
 */
final class ContractChecks {
  /** Peru's bounding box with a small margin (degrees). */
  static final double LON_MIN = -81.5;
  static final double LON_MAX = -68.5;
  static final double LAT_MIN = -18.5;
  static final double LAT_MAX = 0.1;
  static final String PROBLEM = "__problem";
  static final String WKT_UDF = "cercania_wkt_problem";

  private ContractChecks() {}

  /** A row check: when {@code failing} holds, the row is rejected with this reason. */
  private record Check(Column failing, ReasonCode reason, String field, Column message) {}

  static void register(SparkSession spark) {
    spark.udf().register(WKT_UDF, (UDF1<String, String>) ContractChecks::wktProblem, DataTypes.StringType);
  }

  /** Null when {@code wkt} is a valid Polygon or MultiPolygon, else what is wrong. */
  static String wktProblem(String wkt) {
    if (wkt == null) {
      return null;
    }
    try {
      Geometry g = new WKTReader().read(wkt);
      if (!(g.getGeometryType().equals("Polygon") || g.getGeometryType().equals("MultiPolygon"))) {
        return "is a " + g.getGeometryType() + ", not a Polygon or MultiPolygon";
      }
      if (g.isEmpty()) {
        return "is empty";
      }
      if (!g.isValid()) {
        return "is not a valid polygon (self-intersecting or badly nested rings)";
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
          typed = text;
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
    for (TableSchema.ColumnSpec c : contract.columns()) {
      Column v = col(tmp(c.name()));
      if (c.rule() != null) {
        checks.addAll(ruleChecks(c, v, contract));
      }
      if (c.after() != null) {
        Column before = col(tmp(c.after()));
        checks.add(new Check(v.isNotNull().and(before.isNotNull()).and(v.lt(before)), ReasonCode.DATE_ORDER, c.name(),
            concat(lit(c.name() + " "), v.cast("string"), lit(" is before " + c.after() + " "), before.cast("string"))));
      }
    }
    // One flat CASE WHEN: the first failing check names the problem; a line the parser could not split comes first.
    Column problem = when(col(SourceReader.CORRUPT).isNotNull(), struct(lit(ReasonCode.MALFORMED_ROW.name()).as("reason"),
        lit(null).cast("string").as("field"), lit("the line does not split into the header's fields").as("message")));
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
          out.add(new Check(lon.isNotNull().and(lat.isNotNull()).and(lonOk.unary_$bang()).and(latOk.unary_$bang())
              .and(lat.between(LON_MIN, LON_MAX)).and(lon.between(LAT_MIN, LAT_MAX)), ReasonCode.LATLON_SWAPPED, f,
              concat(lit("lon "), lon.cast("string"), lit(" / lat "), lat.cast("string"),
                  lit(" look swapped (lon must be in [" + LON_MIN + ", " + LON_MAX + "])"))));
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
