package io.prism.batch.akshare;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local stand-in for AKTools: answers {@code /api/public/{function}} and {@code
 * /api/private/{function}} from the replay data shipped in batch-core ({@code prism/akshare/}),
 * filtering date ranges as AKShare does, and answers like AKTools when there is nothing: 404 with
 * 该接口返回数据为空 for a missing response, 404 未找到该接口 for an unknown function. Tests can
 * script the next answers (errors, delays).
 */
final class AkToolsReplayServer implements AutoCloseable {
  static final String NO_DATA = "{\"error\":\"该接口返回数据为空，请确认参数是否正确：https://akshare.akfamily.xyz\"}";
  static final String UNKNOWN_FUNCTION =
      "{\"error\":\"未找到该接口，请升级 AKShare 到最新版本并在文档中确认该接口的使用方式：https://akshare.akfamily.xyz\"}";

  /** Keeps numbers as written, like pandas' to_json output. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();
  private static final List<String> FUNCTIONS = List.of("stock_zh_a_hist",
      "stock_individual_info_em", "stock_financial_abstract", "stock_individual_notice_report",
      "stock_gdfx_top_10_em", "stock_lhb_stock_detail_date_em", "stock_lhb_stock_detail_em");

  /** A request as the server saw it. */
  record Request(String path, String function, String rawQuery, Map<String, String> params,
      Optional<String> authorization) {}

  /** An answer. */
  record Response(int status, String body, Map<String, String> headers) {
    static Response of(int status, String body) {
      return new Response(status, body, Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Function<Request, Response>> script = new ArrayDeque<>();
  private volatile Function<Request, Response> always;

  AkToolsReplayServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/api/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  int hits() {
    return requests.size();
  }

  /** Answers the next request with this behaviour; then the replay resumes. */
  synchronized AkToolsReplayServer thenAnswer(Function<Request, Response> behaviour) {
    script.addLast(behaviour);
    return this;
  }

  /** Answers every request with this behaviour. */
  AkToolsReplayServer alwaysAnswer(Function<Request, Response> behaviour) {
    this.always = behaviour;
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String function = path.substring(path.lastIndexOf('/') + 1);
      String raw = ex.getRequestURI().getRawQuery();
      Map<String, String> params = new LinkedHashMap<>();
      if (raw != null && !raw.isEmpty()) {
        for (String pair : raw.split("&")) {
          int eq = pair.indexOf('=');
          params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      Request req = new Request(path, function, raw == null ? "" : raw, params,
          Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")));
      requests.add(req);
      Function<Request, Response> behaviour;
      synchronized (this) {
        behaviour = script.pollFirst();
      }
      if (behaviour == null) {
        behaviour = always != null ? always : this::replay;
      }
      Response resp = behaviour.apply(req);
      resp.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      byte[] body = resp.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(resp.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  Response replay(Request req) {
    Map<String, String> p = req.params();
    if (!FUNCTIONS.contains(req.function())) {
      return Response.of(404, UNKNOWN_FUNCTION);
    }
    String file;
    switch (req.function()) {
      case "stock_individual_notice_report" -> file = p.get("security");
      case "stock_gdfx_top_10_em" -> file = p.get("symbol") + "_" + p.get("date");
      case "stock_lhb_stock_detail_em" -> file = p.get("symbol") + "_" + p.get("date") + "_"
          + ("买入".equals(p.get("flag")) ? "buy" : "sell");
      default -> file = p.get("symbol");
    }
    Optional<ArrayNode> rows = load(req.function() + "/" + file + ".json");
    if (rows.isEmpty()) {
      return Response.of(404, NO_DATA);
    }
    ArrayNode out = rows.get();
    if (req.function().equals("stock_zh_a_hist")) {
      out = between(out, "日期", p.get("start_date"), p.get("end_date"));
    } else if (req.function().equals("stock_individual_notice_report")) {
      out = between(out, "公告日期", p.get("begin_date"), p.get("end_date"));
    }
    return Response.of(200, out.toString());
  }

  private static ArrayNode between(ArrayNode rows, String column, String from, String to) {
    ArrayNode out = JSON.createArrayNode();
    for (JsonNode r : rows) {
      String d = r.path(column).asText().substring(0, 10).replace("-", "");
      if ((from == null || from.isEmpty() || d.compareTo(from) >= 0)
          && (to == null || to.isEmpty() || d.compareTo(to) <= 0)) {
        out.add(r);
      }
    }
    return out;
  }

  private static Optional<ArrayNode> load(String path) {
    try (InputStream in = AkToolsReplayServer.class.getClassLoader()
        .getResourceAsStream("prism/akshare/" + path)) {
      return in == null ? Optional.empty() : Optional.of((ArrayNode) JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
