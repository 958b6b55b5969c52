package io.prism.batch.chroma;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * The real Chroma server the ITs run against: {@code .ci/chroma.sh} starts it. Its URL comes from
 * the system property or environment variable {@code CHROMA_URL}; without it, {@code
 * http://127.0.0.1:$CHROMA_PORT}, the port defaulting to 8000 as in the script. An unreachable
 * server fails the tests; it never skips them.
 */
final class ChromaTestServer {
  static final String DB_PATH = "/api/v2/tenants/default_tenant/databases/default_database";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChromaTestServer() {}

  static String url() {
    String url = System.getProperty("CHROMA_URL");
    if (url == null || url.isBlank()) {
      url = System.getenv("CHROMA_URL");
    }
    if (url == null || url.isBlank()) {
      String port = System.getenv("CHROMA_PORT");
      url = "http://127.0.0.1:" + (port == null || port.isBlank() ? "8000" : port.strip());
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Fails the calling test unless a Chroma server answers its heartbeat. */
  static void requireRunning() {
    try {
      HttpResponse<String> r = send("GET", "/api/v2/heartbeat", null);
      if (r.statusCode() != 200 || !r.body().contains("heartbeat")) {
        fail(
            "Chroma at %s answered the heartbeat with HTTP %d: %s",
            url(), r.statusCode(), r.body());
      }
    } catch (IOException e) {
      fail(
          "Chroma is not reachable at %s (%s). Start it with .ci/chroma.sh, or point CHROMA_URL at"
              + " a running server.",
          url(), e);
    }
  }

  /** A collection name no other test uses. */
  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
  }

  /** Sends a raw request to the server, bypassing the store. */
  static HttpResponse<String> send(String method, String path, String body) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Sends a raw request and reads the JSON answer. */
  static JsonNode json(String method, String path, String body) throws IOException {
    return JSON.readTree(send(method, path, body).body());
  }
}
