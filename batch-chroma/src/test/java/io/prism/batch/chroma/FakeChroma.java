package io.prism.batch.chroma;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A scripted stand-in for a Chroma server on a loopback port, for unit tests of the HTTP behaviour.
 * It records every request and answers by route: a route matches a method and a path ending, and
 * gives its replies in turn, repeating the last one. Unrouted requests get a 404.
 */
final class FakeChroma implements AutoCloseable {
  record Request(String method, String path, String body, Map<String, List<String>> headers) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse("");
    }
  }

  private record Reply(int status, String body) {}

  private record Route(String method, String pathEnd, Deque<Reply> replies) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final List<Route> routes = new ArrayList<>();

  FakeChroma() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String method = exchange.getRequestMethod();
          String path = exchange.getRequestURI().getRawPath();
          Reply reply =
              answer(new Request(method, path, body, Map.copyOf(exchange.getRequestHeaders())));
          byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
          if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    server.start();
  }

  private synchronized Reply answer(Request request) {
    requests.add(request);
    for (Route route : routes) {
      if (route.method().equals(request.method()) && request.path().endsWith(route.pathEnd())) {
        return route.replies().size() > 1 ? route.replies().poll() : route.replies().peek();
      }
    }
    return new Reply(404, "{\"error\":\"NotFoundError\",\"message\":\"no route\"}");
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Routes requests to scripted replies.
   *
   * @param method the HTTP method
   * @param pathEnd how the path ends
   * @param statusAndBodies status, body, status, body… given in turn; single quotes become double
   */
  synchronized FakeChroma on(String method, String pathEnd, Object... statusAndBodies) {
    Deque<Reply> replies = new ArrayDeque<>();
    for (int i = 0; i < statusAndBodies.length; i += 2) {
      replies.add(
          new Reply(
              (Integer) statusAndBodies[i], ((String) statusAndBodies[i + 1]).replace('\'', '"')));
    }
    routes.add(new Route(method, pathEnd, replies));
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
