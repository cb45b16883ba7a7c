package org.cercania.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;
import org.cercania.io.RunLayout;
import org.cercania.testing.Console;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV export that died mid-record is TRUNCATED (exit 3, nothing written), not a smaller dataset
 * with one malformed row: issue 11's case is the real CEM directory cut after 5,000 bytes.
 */
@ExtendWith(SparkExtension.class)
class TruncatedCsvTest {
  private static final Path BAD = Repo.root().resolve("jobs/src/test/resources/ingest/bad");

  /** The first 5,000 bytes of the real CEM directory (436 centers, 14 columns). */
  private static byte[] first5000() throws IOException {
    byte[] all = Files.readAllBytes(Repo.sharedData("peru").resolve("cem_directory_2026.csv"));
    return Arrays.copyOf(all, 5000);
  }

  private static int lastNewline(byte[] b) {
    int i = b.length - 1;
    while (b[i] != '\n') {
      i--;
    }
    return i;
  }

  @Test
  void theIssuesCaseAFileEndingInsideAnOpenQuoteFailsThroughTheCommandAndWritesNothing(@TempDir Path dir) throws IOException {
    // The export died right after opening a quoted field: the last line is `"unterminated,`, no final newline.
    byte[] head = first5000();
    int nl = lastNewline(head);
    Path centers = dir.resolve("centers_cut.csv");
    Files.write(centers, concat(Arrays.copyOf(head, nl + 1), "\"unterminated,".getBytes(StandardCharsets.UTF_8)));
    Path out = dir.resolve("out");

    Console.Run r = Console.main("ingest", "--districts", BAD.resolve("districts.csv").toString(), "--centers", centers.toString(),
        "--out", out.toString(), "--set", "cercania.ingest.max_reject_rate=1");

    assertEquals(Errors.EXIT_INPUT, r.code(), r.err());
    assertEquals(String.format("cercania ingest: error [TRUNCATED]: %s is truncated: its last record (from byte %,d: "
        + "'\"unterminated,') ends inside an open quote; the file ends mid-record, so rows after it are missing (re-export it). "
        + "Nothing was written.%n", centers, nl + 1), r.err());
    assertFalse(Files.exists(out.resolve("curated")), "no curated table written");
    assertFalse(Files.exists(out.resolve("runs/LATEST")), "no run ingested");
    try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
      for (Path run : runs.toList()) {
        assertFalse(Files.readString(run.resolve("manifest.json")).contains("\"ingest\""), "no ingest recorded in " + run);
      }
    }
  }

  @Test
  void aLastRecordCutShortWithoutFinalNewlineIsTruncatedAndThePreviousTablesStay(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Path out = dir.resolve("out");
    Map<String, String> good = new LinkedHashMap<>();
    good.put("districts", BAD.resolve("districts.csv").toString());
    good.put("centers", BAD.resolve("centers.csv").toString());
    new IngestJob(spark, new RunLayout(out.toString()), "before", 1.0).run(good);
    long version = deltaVersion(spark, out.resolve("curated/centers"));
    String manifest = Files.readString(out.resolve("runs/before/manifest.json"));

    // Cut at exactly 5,000 bytes: the last record is `CEM,021401,...,Cem Regular O`, 9 of 14 fields.
    byte[] head = first5000();
    Path centers = dir.resolve("centers_5000.csv");
    Files.write(centers, head);
    Map<String, String> cut = new LinkedHashMap<>(good);
    cut.put("centers", centers.toString());
    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.toString()), "after", 1.0).run(cut));

    assertEquals("TRUNCATED", e.code());
    assertEquals(Errors.EXIT_INPUT, e.exitCode());
    String lastLine = new String(head, lastNewline(head) + 1, 5000 - lastNewline(head) - 1, StandardCharsets.UTF_8);
    assertTrue(lastLine.startsWith("CEM,021401,") && lastLine.endsWith(",Cem Regular O"), lastLine);
    assertTrue(e.getMessage().startsWith(centers + " is truncated: its last record (from byte " + String.format("%,d", lastNewline(head) + 1)),
        e.getMessage());
    assertTrue(e.getMessage().contains(" has 9 of the header's 14 fields and no final newline"), e.getMessage());
    assertEquals(version, deltaVersion(spark, out.resolve("curated/centers")), "curated/centers untouched");
    assertEquals(manifest, Files.readString(out.resolve("runs/before/manifest.json")), "the previous run's manifest untouched");
    assertFalse(Files.exists(out.resolve("runs/after/manifest.json")), "no manifest of the failed run");
    assertEquals("before", Files.readString(out.resolve("runs/LATEST")).trim(), "LATEST still names the previous run");
  }

  @Test
  void wholeLastRecordsPassWithOrWithoutAFinalNewline(SparkSession spark, @TempDir Path dir) throws IOException {
    String header = "center_id,name,ubigeo,lon,lat,opened_on,closed_on,modality\n";
    String[] lastLines = {
        "C1,\"Cem, Lima \"\"Centro\"\"\",150101,-77.03,-12.05,2005-03-01,,Regular",   // quoted comma and doubled quotes
        "C1,Cem Lima,150101,-77.03,-12.05,2005-03-01,,Regular\r",                     // CRLF file, no final LF
        "C1,Cem Lima,150101,-77.03,-12.05,2005-03-01,,Regular\n"};
    for (String last : lastLines) {
      Path f = dir.resolve("ok.csv");
      Files.writeString(f, header + last);
      CsvTail.check(spark.sparkContext().hadoopConfiguration(), f.toString(), CsvDialect.DEFAULT, 8); // does not throw
    }
    // A short last record followed by a newline is a malformed row (the reader's MALFORMED_ROW), not truncation.
    Path shortRow = dir.resolve("short.csv");
    Files.writeString(shortRow, header + "C1,Cem Lima,150101\n");
    CsvTail.check(spark.sparkContext().hadoopConfiguration(), shortRow.toString(), CsvDialect.DEFAULT, 8);
    // An open quote is truncation even before a final newline: the newline would be inside the quoted field.
    Path open = dir.resolve("open.csv");
    Files.writeString(open, header + "C1,\"Cem Lima,150101,-77.03,-12.05,2005-03-01,,Regular\n");
    CercaniaException e = assertThrows(CercaniaException.class,
        () -> CsvTail.check(spark.sparkContext().hadoopConfiguration(), open.toString(), CsvDialect.DEFAULT, 8));
    assertTrue(e.getMessage().contains("ends inside an open quote"), e.getMessage());
  }

  @Test
  void theLineShapeCountsFieldsAsTheParserSplitsThem() {
    assertEquals(new CsvTail.LineShape(3, false), CsvTail.shape("a,\"b,c\",d", ','));
    assertEquals(new CsvTail.LineShape(2, false), CsvTail.shape("a, \"b \"\" c\"", ','));
    assertEquals(new CsvTail.LineShape(2, true), CsvTail.shape("a,\"b \"\" c", ','));
    assertEquals(new CsvTail.LineShape(2, false), CsvTail.shape("5\" pipe,x", ','), "a quote inside an unquoted field is text");
    assertEquals(new CsvTail.LineShape(3, false), CsvTail.shape("a;b,5;c", ';'));
    assertEquals(new CsvTail.LineShape(1, true), CsvTail.shape("\"unterminated,", ','));
  }

  private static long deltaVersion(SparkSession spark, Path table) {
    return DeltaTable.forPath(spark, table.toString()).history(1).first().getLong(0);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
