package org.cercania.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cercania.errors.Errors;

/**
 * The run manifest, {@code OUT/manifest.json}: one section per stage (rows, timings, settings),
 * rewritten atomically (temporary file, then rename) each time a stage records itself.
 */
public final class Manifest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Manifest() {}

  public static ObjectNode newSection() {
    return JSON.createObjectNode();
  }

  /** Replaces section {@code stage} of the manifest {@code manifestFile} (e.g. a run's) with {@code section}. */
  public static synchronized void record(Configuration conf, String manifestFile, String stage, ObjectNode section) {
    Path file = new Path(manifestFile);
    try {
      FileSystem fs = file.getFileSystem(conf);
      ObjectNode root;
      if (fs.exists(file)) {
        try (InputStream in = fs.open(file)) {
          root = (ObjectNode) JSON.readTree(in);
        }
      } else {
        root = JSON.createObjectNode();
      }
      section.put("finished_at", Instant.now().toString());
      root.set(stage, section);
      Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + System.nanoTime());
      try (OutputStream o = fs.create(tmp, true)) {
        o.write(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(file, false);
      if (!fs.rename(tmp, file)) {
        throw new IOException("could not rename " + tmp + " to " + file);
      }
    } catch (IOException e) {
      throw Errors.output(Paths.get(file.toString()), e.getMessage(), e);
    }
  }

  /** Reads the manifest {@code manifestFile} (empty object when absent). */
  public static ObjectNode read(Configuration conf, String manifestFile) {
    Path file = new Path(manifestFile);
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        return JSON.createObjectNode();
      }
      try (InputStream in = fs.open(file)) {
        return (ObjectNode) JSON.readTree(in);
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(file, e.getMessage(), e);
    }
  }
}
