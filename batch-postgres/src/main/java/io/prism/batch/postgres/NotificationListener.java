package io.prism.batch.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the threads waiting on one {@link PostgresTaskQueue} when a notification arrives on its
 * channel: one connection of the queue's pool, held from {@link #start} to {@link #close}, that
 * {@code LISTEN}s, read by a daemon thread.
 *
 * <p>Waiters count signals: a waiter reads {@link #signals()} before it checks the database and
 * waits only while the count is unchanged, so a notification that arrives between the check and
 * the wait is not lost. While the connection is down (or when listening is off) no wait lasts
 * longer than the fallback poll; the thread reconnects with backoff and, once back, signals, as
 * notifications may have been missed meanwhile.
 */
final class NotificationListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
  /** How long one read of notifications blocks; bounds how late the thread sees a close. */
  private static final int RECEIVE_MILLIS = 1000;
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5000;

  private final Jdbi jdbi;
  private final String channel;
  private final String applicationName;
  private final String closeToken = UUID.randomUUID().toString();
  private final boolean enabled;
  private final long fallbackPollNanos;
  private final String owner;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private volatile long signals;
  private volatile boolean listening;
  private volatile boolean closed;
  private boolean warned; // listener thread, or start() before the thread exists
  private Thread thread; // guarded by this
  private Handle handle; // listener thread, or start() before the thread exists
  private PGConnection connection;

  /**
   * @param jdbi where the connection comes from
   * @param channel the channel, a PostgreSQL identifier that needs no quotes
   * @param enabled false to never listen: every wait is then a poll
   * @param fallbackPoll the longest wait while not listening
   * @param owner what listens, for log messages
   */
  NotificationListener(
      Jdbi jdbi, String channel, boolean enabled, Duration fallbackPoll, String owner) {
    this.jdbi = jdbi;
    this.channel = channel;
    this.applicationName = "prism-listener " + channel + " " + closeToken.substring(0, 8);
    this.enabled = enabled;
    this.fallbackPollNanos = fallbackPoll.toNanos();
    this.owner = owner;
  }

  /** The {@code application_name} of the listening connection, to find its backend. */
  String applicationName() {
    return applicationName;
  }

  /** Tells whether the listening connection is up. */
  boolean isListening() {
    return listening;
  }

  /** Tells whether {@link #close} was called. */
  boolean isClosed() {
    return closed;
  }

  /** Counts the signals so far; see the class comment. */
  long signals() {
    return signals;
  }

  /**
   * Listens, unless it does already or listening is off: connects in the calling thread, so
   * that a check of the database made after this returns cannot miss a notification, then
   * leaves the connection to the listener thread.
   */
  synchronized void start() {
    if (!enabled || thread != null || closed) {
      return;
    }
    connect();
    thread = new Thread(this::receive, "prism-pg-listen-" + owner);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits until a signal after {@code seen}, the close, or {@code maxNanos}, whichever comes
   * first; while not listening, at most the fallback poll.
   *
   * @throws InterruptedException if the thread is interrupted
   */
  void await(long seen, long maxNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long left = listening ? maxNanos : Math.min(maxNanos, fallbackPollNanos);
      while (signals == seen && !closed && left > 0) {
        left = signalled.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread, returns the connection to its pool and ends every wait. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
    }
    signal(); // also ends a backoff sleep
    if (t == null) {
      return;
    }
    wakeReceiver(); // ends a read of notifications, which no interrupt does
    try {
      t.join(RECEIVE_MILLIS + 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- listener thread

  private void receive() {
    long backoff = FIRST_BACKOFF_MILLIS;
    while (!closed) {
      if (connection == null && !connect()) {
        if (!sleep(backoff)) {
          break;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        continue;
      }
      backoff = FIRST_BACKOFF_MILLIS;
      try {
        PGNotification[] got = connection.getNotifications(RECEIVE_MILLIS);
        if (hasHint(got)) {
          signal();
        }
      } catch (SQLException e) {
        if (!closed) {
          lost(e);
        }
      }
    }
    disconnect();
  }

  /** Notifications with a payload are the close wake-ups of instances; only empty ones count. */
  private static boolean hasHint(PGNotification[] got) {
    if (got == null) {
      return false;
    }
    for (PGNotification n : got) {
      if (n.getParameter() == null || n.getParameter().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private boolean connect() {
    Handle h = null;
    try {
      h = jdbi.open();
      Connection c = h.getConnection();
      try (Statement st = c.createStatement()) {
        st.execute("SET application_name = '" + applicationName + "'");
        st.execute("LISTEN " + channel);
      }
      handle = h;
      connection = c.unwrap(PGConnection.class);
    } catch (RuntimeException | SQLException e) {
      closeQuietly(h);
      if (closed) {
        return false;
      }
      if (!warned) {
        warned = true;
        LOG.warn("{}: cannot listen for notifications ({}); polling every {} ms until it can",
            owner, e.toString(), TimeUnit.NANOSECONDS.toMillis(fallbackPollNanos));
      } else {
        LOG.debug("{}: still cannot listen for notifications: {}", owner, e.toString());
      }
      return false;
    }
    listening = true;
    if (warned) {
      warned = false;
      LOG.info("{}: listening for notifications again", owner);
    }
    signal(); // anything that happened while not listening is worth a look
    return true;
  }

  private void lost(SQLException e) {
    listening = false;
    signal(); // waiters shorten their waits to the fallback poll
    if (!warned) {
      warned = true;
      LOG.warn("{}: the listening connection broke ({}); polling every {} ms and reconnecting",
          owner, e.toString(), TimeUnit.NANOSECONDS.toMillis(fallbackPollNanos));
    }
    disconnect();
  }

  /**
   * Hands the connection back to its pool. The statements go through the pool's own connection
   * object, so on a broken connection they fail where the pool sees it and evicts it.
   */
  private void disconnect() {
    listening = false;
    Handle h = handle;
    handle = null;
    connection = null;
    if (h == null) {
      return;
    }
    try (Statement st = h.getConnection().createStatement()) {
      st.execute("UNLISTEN *");
      st.execute("RESET application_name");
    } catch (SQLException | RuntimeException e) {
      LOG.debug("{}: cannot reset the listening connection: {}", owner, e.toString());
    }
    closeQuietly(h);
  }

  /** Sleeps until the time passes or the listener closes; returns false once closed. */
  private boolean sleep(long millis) {
    lock.lock();
    try {
      long left = TimeUnit.MILLISECONDS.toNanos(millis);
      while (!closed && left > 0) {
        left = signalled.awaitNanos(left);
      }
      return !closed;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void wakeReceiver() {
    try {
      jdbi.useHandle(h -> h.execute("SELECT pg_notify(?, ?)", channel, closeToken));
    } catch (RuntimeException e) {
      LOG.debug("{}: cannot wake the listener thread: {}", owner, e.toString());
    }
  }

  private void signal() {
    lock.lock();
    try {
      signals++;
      signalled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Handle h) {
    if (h == null) {
      return;
    }
    try {
      h.close();
    } catch (RuntimeException e) {
      LOG.debug("cannot close a listening connection: {}", e.toString());
    }
  }
}
