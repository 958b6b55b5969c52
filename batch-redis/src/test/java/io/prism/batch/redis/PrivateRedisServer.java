package io.prism.batch.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A redis-server of the test's own on a free port, without persistence, that a test may kill and
 * start again (on the same port) without touching the machine's shared Redis.
 */
final class PrivateRedisServer implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(15);

  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private final boolean tls;
  private final Thread killOnExit;
  private Process process;
  private int starts;

  private PrivateRedisServer(int port, Path dir, List<String> extraArgs, boolean tls) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
    this.tls = tls;
    this.killOnExit = new Thread(this::kill, "kill-private-redis-" + port);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Picks a free port and starts redis-server on it.
   *
   * @return the running server
   * @throws IOException if it cannot start
   */
  static PrivateRedisServer start() throws IOException {
    PrivateRedisServer s =
        new PrivateRedisServer(
            freePort(), Files.createTempDirectory("prism-redis-"), List.of(), false);
    s.startProcess();
    return s;
  }

  /**
   * Picks a free port and starts redis-server serving only TLS on it, with a fresh self-signed
   * certificate (made with {@code openssl}) and a password.
   *
   * @param password the password clients must give
   * @return the running server
   * @throws IOException if it cannot start
   */
  static PrivateRedisServer startTls(String password) throws IOException {
    Path dir = Files.createTempDirectory("prism-redis-tls-");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
    PrivateRedisServer s =
        new PrivateRedisServer(
            freePort(),
            dir,
            List.of("--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no",
                "--requirepass", password),
            true);
    s.startProcess();
    return s;
  }

  /**
   * Returns a free TCP port on the loopback interface, with no server behind it.
   *
   * @return the port
   * @throws IOException if none can be found
   */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
  }

  /** Kills the server at once, as a crash would, and waits for the process to end. */
  void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Starts the server again on the same port.
   *
   * @throws IOException if it cannot start
   */
  void restart() throws IOException {
    kill();
    startProcess();
  }

  /** Kills the server and deletes its directory. */
  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs kill() anyway
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  private void startProcess() throws IOException {
    List<String> command = new ArrayList<>(List.of(
        "redis-server",
        tls ? "--tls-port" : "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", dir.toString()));
    if (tls) {
      command.addAll(List.of("--port", "0"));
    }
    command.addAll(extraArgs);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
    process = pb.start();
    starts++;
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (!(tls ? readyInLog() : answersPing())) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + "; see "
            + dir.resolve("redis.log"));
      }
      if (System.nanoTime() - deadline > 0) {
        kill();
        throw new IOException("redis-server did not answer PING on port " + port);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static void run(Path dir, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("setup.log").toFile()))
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " failed; see " + dir.resolve("setup.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A TLS port cannot be pinged in plain text: count the server's ready lines instead. */
  private boolean readyInLog() {
    try {
      String log = Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
      int ready = 0;
      for (int i = log.indexOf("Ready to accept connections"); i >= 0;
          i = log.indexOf("Ready to accept connections", i + 1)) {
        ready++;
      }
      return ready >= starts;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.readNBytes(reply, 0, 7);
      return new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }
}
