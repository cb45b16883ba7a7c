package org.cercania.io;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;

/**
 * A table contract read from {@code schemas/<name>.json} (packaged in the jar from the repository's
 * schemas/ folder): the only place a table's columns, types and nullability are written down. A contract
 * that {@code extends} another has the other's columns first, then its own; one of its own named like a
 * column of the other replaces that column's fields it gives (e.g. a published table's {@code units} marking).
 */
public final class TableSchema implements Serializable {
  private static final Map<String, TableSchema> CACHE = new ConcurrentHashMap<>();

  /**
   * One column of a contract; {@code min} and {@code max} (null when not given) bound a numeric column's values.
   * {@code asOf} says how an as-of date limits the column's rows ({@code known_from}: rows dated after it are left
   * out; {@code unknown_after}: a date after it is not yet known, null; {@code year}: rows of later years are left
   * out). {@code privacy} is {@code identifying} for a column that points at a person (ids, exact coordinates,
   * personal attributes), {@code public} for a published column named like one but about no person (a public
   * office's location, a regression weight); {@code units} names the column counting the units a published cell is built from.
   * {@code role} is {@code run} for the {@code study} and {@code run_id} columns every stage table carries
   * (written by {@link Run}, not part of an input file or of what a stage computes).
   */
  public record ColumnSpec(String name, String type, boolean nullable, String description, String rule, String after,
      String references, Double min, Double max, String asOf, String privacy, String units, String role) implements Serializable {
    public DataType sparkType() {
      return sparkType(type);
    }

    static DataType sparkType(String type) {
      switch (type) {
        case "string": return DataTypes.StringType;
        case "int": return DataTypes.IntegerType;
        case "long": return DataTypes.LongType;
        case "double": return DataTypes.DoubleType;
        case "boolean": return DataTypes.BooleanType;
        case "date": return DataTypes.DateType;
        case "timestamp": return DataTypes.TimestampType;
        default: throw new IllegalArgumentException("unknown column type '" + type + "'");
      }
    }
  }

  private final String name;
  private final String description;
  private final List<ColumnSpec> columns;
  private final List<ColumnSpec> runColumns;
  private final Map<String, ColumnSpec> byName;

  private final List<String> key;
  private final String kind;
  private final String privacy;

  private TableSchema(String name, String description, List<ColumnSpec> columns, List<String> key, String kind, String privacy) {
    this.privacy = privacy;
    this.key = List.copyOf(key);
    this.kind = kind;
    this.name = name;
    this.description = description;
    this.columns = columns.stream().filter(c -> !"run".equals(c.role())).toList();
    this.runColumns = columns.stream().filter(c -> "run".equals(c.role())).toList();
    Map<String, ColumnSpec> m = new LinkedHashMap<>();
    for (ColumnSpec c : this.columns) {
      m.put(c.name(), c);
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  /** Loads (once per JVM) the contract named {@code name}. */
  public static TableSchema load(String name) {
    return CACHE.computeIfAbsent(name, TableSchema::read);
  }

  private static TableSchema read(String name) {
    String resource = "schemas/" + name + ".json";
    InputStream in = TableSchema.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw Errors.schema(name, "no contract " + resource + " on the classpath (is schemas/" + name + ".json in the repository?)");
    }
    try (InputStreamReader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      Config c = ConfigFactory.parseReader(reader);
      TableSchema base = c.hasPath("extends") ? read(c.getString("extends")) : null;
      List<ColumnSpec> cols = new ArrayList<>();
      if (base != null) {
        cols.addAll(base.runColumns());
        cols.addAll(base.columns());
      }
      for (Config col : c.getConfigList("columns")) {
        String colName = col.getString("name");
        int at = -1;
        for (int i = 0; i < cols.size(); i++) {
          at = cols.get(i).name().equals(colName) ? i : at;
        }
        ColumnSpec b = at >= 0 ? cols.get(at) : null; // a column of the base: the fields given here replace its own
        String type = col.hasPath("type") || b == null ? col.getString("type") : b.type();
        ColumnSpec.sparkType(type);
        ColumnSpec spec = new ColumnSpec(colName, type,
            col.hasPath("nullable") ? col.getBoolean("nullable") : b != null && b.nullable(),
            col.hasPath("description") ? col.getString("description") : b != null ? b.description() : "",
            col.hasPath("rule") ? col.getString("rule") : b != null ? b.rule() : null,
            col.hasPath("after") ? col.getString("after") : b != null ? b.after() : null,
            col.hasPath("references") ? col.getString("references") : b != null ? b.references() : null,
            col.hasPath("min") ? Double.valueOf(col.getDouble("min")) : b != null ? b.min() : null,
            col.hasPath("max") ? Double.valueOf(col.getDouble("max")) : b != null ? b.max() : null,
            optional(col, "as_of", b == null ? null : b.asOf()), optional(col, "privacy", b == null ? null : b.privacy()),
            optional(col, "units", b == null ? null : b.units()), optional(col, "role", b == null ? null : b.role()));
        if (at >= 0) {
          cols.set(at, spec);
        } else {
          cols.add(spec);
        }
      }
      if (!c.getString("name").equals(name)) {
        throw Errors.schema(name, resource + " declares name '" + c.getString("name") + "'");
      }
      return new TableSchema(name, c.hasPath("description") ? c.getString("description") : "", cols,
          c.hasPath("key") ? c.getStringList("key") : List.of(), c.hasPath("kind") ? c.getString("kind") : "output",
          optional(c, "privacy"));
    } catch (ConfigException | IllegalArgumentException e) {
      throw Errors.schema(name, resource + ": " + e.getMessage());
    } catch (IOException e) {
      throw Errors.schema(name, "cannot read " + resource + ": " + e.getMessage());
    }
  }

  private static String optional(Config col, String key) {
    return optional(col, key, null);
  }

  private static String optional(Config col, String key, String otherwise) {
    return col.hasPath(key) ? col.getString(key) : otherwise;
  }

  public String name() {
    return name;
  }

  /** Columns that identify a row (unique together); empty when the contract names none. */
  public List<String> key() {
    return key;
  }

  /** input (a source the ingest stage validates), output, or published (a table readers outside the pipeline get). */
  public String kind() {
    return kind;
  }

  /** {@code private} for a source about people (survey respondents, victims) whose rows are never published; else null. */
  public String privacy() {
    return privacy;
  }

  public String description() {
    return description;
  }

  /** The data columns (what an input file has, what a stage computes), without the run columns. */
  public List<ColumnSpec> columns() {
    return columns;
  }

  /** The run columns ({@code study}, {@code run_id}) the stored Delta table carries before the data columns; empty if none. */
  public List<ColumnSpec> runColumns() {
    return runColumns;
  }

  public ColumnSpec column(String column) {
    ColumnSpec c = byName.get(column);
    if (c == null) {
      throw Errors.schema(name, "has no column '" + column + "'");
    }
    return c;
  }

  public List<String> columnNames() {
    return new ArrayList<>(byName.keySet());
  }

  /** The Spark schema of this contract. */
  public StructType structType() {
    StructField[] fields = new StructField[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      ColumnSpec c = columns.get(i);
      fields[i] = DataTypes.createStructField(c.name(), c.sparkType(), c.nullable());
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * Selects the contract's columns in contract order, cast to their contract types. A column the
   * frame lacks is an error naming the table (never a silently added null column).
   */
  public Dataset<Row> conform(Dataset<Row> frame) {
    List<String> present = List.of(frame.columns());
    Column[] cols = new Column[columns.size()];
    for (int i = 0; i < cols.length; i++) {
      ColumnSpec c = columns.get(i);
      if (!present.contains(c.name())) {
        throw Errors.schema(name, "the data has no column '" + c.name() + "'; it has " + String.join(", ", present));
      }
      cols[i] = functions.col(c.name()).cast(c.sparkType()).as(c.name());
    }
    return frame.select(cols);
  }
}
