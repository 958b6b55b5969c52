package io.prism.batch.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;

/**
 * The machine's Redis at 127.0.0.1:6379 (or {@code -Dprism.test.redis=host:port}), which
 * integration tests share: they write under a unique key prefix and delete it afterwards.
 * Connecting fails the test when Redis is down.
 */
final class SharedRedis implements AutoCloseable {
  static final String HOST_PORT = System.getProperty("prism.test.redis", "127.0.0.1:6379");

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final int database;

  private SharedRedis(int database) {
    this.database = database;
    this.client = RedisClient.create(uri(database));
    this.connection = client.connect();
  }

  /**
   * Connects to a database of the shared Redis, failing if it is unreachable.
   *
   * @param database the database index
   * @return the helper
   */
  static SharedRedis connect(int database) {
    SharedRedis r = new SharedRedis(database);
    if (!"PONG".equals(r.commands().ping())) {
      r.close();
      throw new AssertionError("Redis at " + HOST_PORT + " did not answer PING");
    }
    return r;
  }

  static String uri(int database) {
    return "redis://" + HOST_PORT + "/" + database;
  }

  static String uniquePrefix(String owner) {
    return "prism:test:" + owner + ":" + UUID.randomUUID() + ":";
  }

  RedisCommands<String, String> commands() {
    return connection.sync();
  }

  int database() {
    return database;
  }

  /**
   * Deletes every key under a prefix.
   *
   * @param prefix the prefix
   * @return how many keys were deleted
   */
  long deleteAll(String prefix) {
    long deleted = 0;
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page =
          commands().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1_000));
      if (!page.getKeys().isEmpty()) {
        deleted += commands().del(page.getKeys().toArray(new String[0]));
      }
      cursor = page;
    } while (!cursor.isFinished());
    return deleted;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
