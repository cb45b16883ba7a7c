package org.cercania.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A CSV file's delimiter and encoding, sniffed from its first megabyte: the delimiter is whichever of
 * ',', ';' or tab the header line has most of (',' when none); the encoding is UTF-8 unless those
 * bytes are not valid UTF-8, then ISO-8859-1 (Latin-1, what Peruvian ministry exports use). A
 * ';'-delimited file writes decimals with a comma (Spanish-locale spreadsheets).
 */
record CsvDialect(String delimiter, String encoding) {
  static final CsvDialect DEFAULT = new CsvDialect(",", "UTF-8");
  private static final int SNIFF_BYTES = 1 << 20;

  boolean decimalComma() {
    return delimiter.equals(";");
  }

  static CsvDialect sniff(Configuration conf, String file) {
    byte[] head;
    Path p = new Path(file);
    try (InputStream in = FileSystem.get(p.toUri(), conf).open(p)) {
      head = in.readNBytes(SNIFF_BYTES);
    } catch (IOException e) {
      return DEFAULT; // the CSV reader reports the file's problem, naming it
    }
    int n = head.length;
    if (n == SNIFF_BYTES) {
      // Do not cut a multi-byte character at the sniff boundary.
      while (n > 0 && (head[n - 1] & 0xC0) == 0x80) {
        n--;
      }
      n = Math.max(0, n - 1);
    }
    String encoding = sniffEncoding(head, n);
    String text = new String(head, 0, n, encoding.equals("UTF-8") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    int eol = text.indexOf('\n');
    String header = eol < 0 ? text : text.substring(0, eol);
    String delimiter = ",";
    long best = header.chars().filter(c -> c == ',').count();
    for (String d : new String[] {";", "\t"}) {
      long k = header.chars().filter(c -> c == d.charAt(0)).count();
      if (k > best) {
        best = k;
        delimiter = d;
      }
    }
    return new CsvDialect(delimiter, encoding);
  }

  /** UTF-8 when the first {@code n} bytes decode as UTF-8, else ISO-8859-1. */
  static String sniffEncoding(byte[] bytes, int n) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n));
      return "UTF-8";
    } catch (CharacterCodingException e) {
      return "ISO-8859-1";
    }
  }
}
