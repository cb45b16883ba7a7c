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
 * schemas/ folder): the only place a table's columns, types and nullability are written down.
 */
public final class TableSchema implements Serializable {
  private static final Map<String, TableSchema> CACHE = new ConcurrentHashMap<>();

  /** One column of a contract; {@code min} and {@code max} (null when not given) bound a numeric column's values. */
  public record ColumnSpec(String name, String type, boolean nullable, String description, String rule, String after,
      String references, Double min, Double max) implements Serializable {
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
  private final Map<String, ColumnSpec> byName;

  private final List<String> key;
  private final String kind;

  private TableSchema(String name, String description, List<ColumnSpec> columns, List<String> key, String kind) {
    this.key = List.copyOf(key);
    this.kind = kind;
    this.name = name;
    this.description = description;
    this.columns = List.copyOf(columns);
    Map<String, ColumnSpec> m = new LinkedHashMap<>();
    for (ColumnSpec c : columns) {
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
      List<ColumnSpec> cols = new ArrayList<>();
      for (Config col : c.getConfigList("columns")) {
        String type = col.getString("type");
        ColumnSpec.sparkType(type);
        cols.add(new ColumnSpec(col.getString("name"), type,
            col.hasPath("nullable") && col.getBoolean("nullable"),
            col.hasPath("description") ? col.getString("description") : "",
            col.hasPath("rule") ? col.getString("rule") : null,
            col.hasPath("after") ? col.getString("after") : null,
            col.hasPath("references") ? col.getString("references") : null,
            col.hasPath("min") ? col.getDouble("min") : null,
            col.hasPath("max") ? col.getDouble("max") : null));
      }
      if (!c.getString("name").equals(name)) {
        throw Errors.schema(name, resource + " declares name '" + c.getString("name") + "'");
      }
      return new TableSchema(name, c.hasPath("description") ? c.getString("description") : "", cols,
          c.hasPath("key") ? c.getStringList("key") : List.of(), c.hasPath("kind") ? c.getString("kind") : "output");
    } catch (ConfigException | IllegalArgumentException e) {
      throw Errors.schema(name, resource + ": " + e.getMessage());
    } catch (IOException e) {
      throw Errors.schema(name, "cannot read " + resource + ": " + e.getMessage());
    }
  }

  public String name() {
    return name;
  }

  /** Columns that identify a row (unique together); empty when the contract names none. */
  public List<String> key() {
    return key;
  }

  /** input (a source the ingest stage validates) or output. */
  public String kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  public List<ColumnSpec> columns() {
    return columns;
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
