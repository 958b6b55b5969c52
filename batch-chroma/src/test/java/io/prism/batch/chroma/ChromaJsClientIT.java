package io.prism.batch.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.rag.VectorEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ChromaVectorStore} writes, Chroma's official JavaScript client reads: the test writes
 * with Java, then runs {@code src/test/js/read-collection.mjs} under {@code node} with the {@code
 * chromadb} package that {@code .ci/chroma.sh} installed into {@code .ci/work/chroma}.
 */
class ChromaJsClientIT {
  private static final Path NPM_DIR =
      Path.of(System.getProperty("prism.chroma.npmDir", "../.ci/work/chroma"));
  private static final Path SCRIPT =
      Path.of(System.getProperty("prism.chroma.jsDir", "src/test/js"), "read-collection.mjs");

  private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {};

  private final ObjectMapper json = new ObjectMapper();
  private final ChromaVectorStore store =
      ChromaVectorStore.builder().url(ChromaTestServer.url()).build();
  private final String collection = ChromaTestServer.uniqueName("js");

  @TempDir Path temp;

  @BeforeAll
  static void requireServerAndClient() {
    ChromaTestServer.requireRunning();
    if (!Files.isDirectory(NPM_DIR.resolve("node_modules/chromadb"))) {
      fail("the chromadb npm package is not in %s: run .ci/chroma.sh", NPM_DIR.toAbsolutePath());
    }
    if (!Files.isRegularFile(SCRIPT)) {
      fail("missing %s", SCRIPT.toAbsolutePath());
    }
  }

  @AfterEach
  void drop() {
    store.deleteCollection(collection);
    store.close();
  }

  @Test
  void shouldBeReadableByTheOfficialJavaScriptClient() throws Exception {
    List<VectorEntry> written =
        List.of(
            new VectorEntry(
                "600519-0",
                new float[] {1f, 0f, 0f},
                "贵州茅台（600519）2024-06-28 收盘价 1469.00 元。",
                Map.of("stock", "600519", "chunk", 0, "price", 1469.5, "active", true)),
            new VectorEntry(
                "600519-1",
                new float[] {0.6f, 0.8f, 0f},
                "成交量 3.2 万手",
                Map.of("stock", "600519", "chunk", 1, "version", 12345678901234L)),
            new VectorEntry("000001-0", new float[] {0f, 0f, 1f}, "", Map.of()));
    store.upsert(collection, written);

    JsonNode read = runNode(collection, "[1,0,0]");

    assertThat(read.path("name").asText()).isEqualTo(collection);
    assertThat(read.path("space").asText()).isEqualTo("cosine");
    assertThat(read.path("count").asInt()).isEqualTo(3);
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < read.path("ids").size(); i++) {
      at.put(read.path("ids").get(i).asText(), i);
    }
    assertThat(at).containsOnlyKeys("600519-0", "600519-1", "000001-0");
    for (VectorEntry e : written) {
      int i = at.get(e.id());
      assertThat(read.path("documents").get(i).asText())
          .as("document of %s", e.id())
          .isEqualTo(e.text());
      Map<String, Object> metadata =
          read.path("metadatas").get(i).isNull()
              ? Map.of()
              : json.convertValue(read.path("metadatas").get(i), METADATA);
      assertThat(metadata).as("metadata of %s", e.id()).isEqualTo(e.metadata());
      JsonNode embedding = read.path("embeddings").get(i);
      assertThat(embedding.size()).isEqualTo(3);
      for (int j = 0; j < 3; j++) {
        assertThat(embedding.get(j).floatValue()).isCloseTo(e.vector()[j], within(1e-6f));
      }
    }
    List<String> nearest = new ArrayList<>();
    read.path("query").path("ids").forEach(id -> nearest.add(id.asText()));
    assertThat(nearest).containsExactly("600519-0", "600519-1", "000001-0");
    assertThat(read.path("query").path("distances").get(1).asDouble()).isCloseTo(0.4, within(1e-4));
  }

  private JsonNode runNode(String name, String queryVector)
      throws IOException, InterruptedException {
    Path out = temp.resolve("out.json");
    Path err = temp.resolve("err.txt");
    ProcessBuilder builder =
        new ProcessBuilder(
                "node",
                SCRIPT.toAbsolutePath().toString(),
                ChromaTestServer.url(),
                name,
                queryVector)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .directory(temp.toFile());
    builder.environment().put("CHROMADB_DIR", NPM_DIR.toAbsolutePath().toString());
    Process node = builder.start();
    node.getOutputStream().close();
    if (!node.waitFor(60, TimeUnit.SECONDS)) {
      node.destroyForcibly();
      fail("node did not finish within 60 s; stderr: %s", Files.readString(err));
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    if (node.exitValue() != 0) {
      fail(
          "node exited with %d; stderr: %s; stdout: %s",
          node.exitValue(), Files.readString(err), stdout);
    }
    return json.readTree(stdout);
  }
}
