package io.prism.batch.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns one Lettuce client and its threads, set up for a cache: commands fail at once while
 * disconnected ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}) instead of queueing,
 * a connection that drops reconnects by itself with an exponential delay, and connections that
 * could not be made at start are retried in the background every {@code maxReconnectDelay}.
 * Thread-safe.
 */
public final class RedisConnector implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisConnector.class.getName());
  private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(20);

  private final RedisURI uri;
  private final String display;
  private final ClientResources resources;
  private final RedisClient client;
  private final Duration retryInterval;
  private final Duration commandTimeout;
  private final List<LazyConnection<?, ?>> connections = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the client; connects nothing yet.
   *
   * @param uri the parsed URI
   * @param commandTimeout the timeout of synchronous commands
   * @param connectTimeout the timeout of opening a connection, including its handshake
   * @param maxReconnectDelay the longest wait between reconnection attempts
   */
  public RedisConnector(
      RedisURI uri, Duration commandTimeout, Duration connectTimeout, Duration maxReconnectDelay) {
    this.display = uri.toString();
    // The URI's timeout bounds the handshake (TLS, HELLO/AUTH, SELECT); commands get theirs on
    // each connection once it is made.
    this.uri = RedisURI.builder(uri).withTimeout(connectTimeout).build();
    this.commandTimeout = commandTimeout;
    this.retryInterval = maxReconnectDelay;
    Duration lower = MIN_RECONNECT_DELAY.compareTo(maxReconnectDelay) < 0
        ? MIN_RECONNECT_DELAY : maxReconnectDelay;
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(Delay.exponential(lower, maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
            .commandLatencyRecorder(CommandLatencyRecorder.disabled())
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
            .build());
  }

  /**
   * Opens a connection now; if that fails, the returned handle retries in the background when
   * used.
   *
   * @param codec the codec
   * @param autoFlush false to send commands only on {@code flushCommands()} (pipelining)
   * @param purpose what the connection is for, for log messages
   * @param <K> key type
   * @param <V> value type
   * @return the handle
   */
  public <K, V> LazyConnection<K, V> connect(
      RedisCodec<K, V> codec, boolean autoFlush, String purpose) {
    LazyConnection<K, V> c = new LazyConnection<>(this, codec, autoFlush, purpose);
    connections.add(c);
    c.connectNow();
    return c;
  }

  /**
   * Returns the URI with any password masked.
   *
   * @return the URI as text
   */
  public String displayUri() {
    return display;
  }

  boolean isClosed() {
    return closed.get();
  }

  RedisClient client() {
    return client;
  }

  ClientResources resources() {
    return resources;
  }

  RedisURI uri() {
    return uri;
  }

  Duration retryInterval() {
    return retryInterval;
  }

  static void log(Level level, String message, Throwable cause) {
    if (LOG.isLoggable(level)) {
      LOG.log(level, message + (cause == null ? "" : ": " + describe(cause)));
    }
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t) : t + " (" + root + ")";
  }

  /** Closes every connection and stops the client's threads. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (LazyConnection<?, ?> c : connections) {
      c.close();
    }
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log(Level.DEBUG, "Redis client shutdown failed", e);
    }
    try {
      resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log(Level.DEBUG, "Redis client resources shutdown failed", e);
    }
  }

  /**
   * A connection that may not exist yet.
   *
   * @param <K> key type
   * @param <V> value type
   */
  public static final class LazyConnection<K, V> {
    private final RedisConnector owner;
    private final RedisCodec<K, V> codec;
    private final boolean autoFlush;
    private final String purpose;
    private volatile StatefulRedisConnection<K, V> connection;

    private LazyConnection(
        RedisConnector owner, RedisCodec<K, V> codec, boolean autoFlush, String purpose) {
      this.owner = owner;
      this.codec = codec;
      this.autoFlush = autoFlush;
      this.purpose = purpose;
    }

    /**
     * Returns the connection, or {@code null} while none could be made yet (attempts then go
     * on in the background). Once made, a connection reconnects by itself and stays the same
     * object.
     *
     * @return the connection or null
     */
    public StatefulRedisConnection<K, V> get() {
      return connection;
    }

    /**
     * Tells whether the connection is open now.
     *
     * @return true if connected
     */
    public boolean isConnected() {
      StatefulRedisConnection<K, V> c = connection;
      return c != null && c.isOpen();
    }

    private void connectNow() {
      try {
        install(owner.client().connect(codec, owner.uri()));
      } catch (RuntimeException e) {
        log(Level.WARNING, "Redis " + owner.displayUri() + " unreachable for " + purpose
            + "; serving misses and retrying in the background", e);
        retryLater();
      }
    }

    private void retryLater() {
      if (owner.isClosed()) {
        return;
      }
      try {
        owner.resources().eventExecutorGroup().schedule(
            this::connectAsync, owner.retryInterval().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        log(Level.DEBUG, "cannot schedule a Redis connection attempt", e);
      }
    }

    private void connectAsync() {
      if (owner.isClosed()) {
        return;
      }
      try {
        owner.client().connectAsync(codec, owner.uri()).whenComplete((c, error) -> {
          if (c != null) {
            install(c);
            log(Level.INFO, "Redis " + owner.displayUri() + " connected for " + purpose, null);
          } else {
            log(Level.DEBUG, "Redis " + owner.displayUri() + " still unreachable", error);
            retryLater();
          }
        });
      } catch (RuntimeException e) {
        log(Level.DEBUG, "Redis connection attempt failed", e);
        retryLater();
      }
    }

    private synchronized void install(StatefulRedisConnection<K, V> c) {
      c.setAutoFlushCommands(autoFlush);
      c.setTimeout(owner.commandTimeout);
      if (owner.isClosed() || connection != null) {
        c.closeAsync();
        return;
      }
      connection = c;
    }

    private synchronized void close() {
      StatefulRedisConnection<K, V> c = connection;
      if (c != null) {
        try {
          c.close();
        } catch (RuntimeException e) {
          log(Level.DEBUG, "closing the Redis connection failed", e);
        }
      }
    }
  }
}
