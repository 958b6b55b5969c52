package io.prism.batch.core.engine.internal;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners, each on its own daemon thread with its own bounded queue: a
 * slow or throwing listener delays only itself. Publishing never blocks; when a listener's
 * queue is full, its oldest progress or heartbeat event is dropped first, otherwise its oldest
 * event, and the drop is counted.
 */
public final class EventBus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final int capacity;

  /**
   * Creates a bus.
   *
   * @param capacity the most events queued per listener
   */
  public EventBus(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Adds a listener and starts its delivery thread.
   *
   * @param listener the listener
   * @param name a name for its thread
   */
  public void subscribe(BatchListener listener, String name) {
    Subscriber s = new Subscriber(listener, capacity);
    Thread t = new Thread(s::deliver, "prism-events-" + name);
    t.setDaemon(true);
    subscribers.add(s);
    t.start();
  }

  /**
   * Tells whether anyone listens, so callers can skip building events.
   *
   * @return true with at least one listener
   */
  public boolean hasSubscribers() {
    return !subscribers.isEmpty();
  }

  /**
   * Queues an event for every listener. Never blocks.
   *
   * @param event the event
   */
  public void publish(BatchEvent event) {
    for (Subscriber s : subscribers) {
      s.offer(event);
    }
  }

  /**
   * Returns the events dropped because a listener fell behind.
   *
   * @return the count over all listeners
   */
  public long dropped() {
    long n = 0;
    for (Subscriber s : subscribers) {
      n += s.dropped.get();
    }
    return n;
  }

  /**
   * Waits until every listener has handled what was published so far, or the timeout passes.
   *
   * @param timeoutMillis the most to wait
   * @return true if all queues drained
   * @throws InterruptedException if interrupted
   */
  public boolean drain(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (Subscriber s : subscribers) {
      if (!s.awaitEmpty(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** Stops the delivery threads after they deliver what is queued. */
  @Override
  public void close() {
    for (Subscriber s : subscribers) {
      s.stop();
    }
  }

  private static final class Subscriber {
    private final BatchListener listener;
    private final int capacity;
    private final ArrayDeque<BatchEvent> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();
    private boolean busy;
    private boolean stopped;

    Subscriber(BatchListener listener, int capacity) {
      this.listener = listener;
      this.capacity = capacity;
    }

    void offer(BatchEvent e) {
      lock.lock();
      try {
        if (stopped) {
          return;
        }
        if (queue.size() >= capacity) {
          if (!dropOldestDroppable()) {
            queue.pollFirst();
          }
          dropped.incrementAndGet();
        }
        queue.addLast(e);
        notEmpty.signal();
      } finally {
        lock.unlock();
      }
    }

    private boolean dropOldestDroppable() {
      var it = queue.iterator();
      while (it.hasNext()) {
        BatchEvent e = it.next();
        if (e instanceof BatchEvent.Progress || e instanceof BatchEvent.Heartbeat) {
          it.remove();
          return true;
        }
      }
      return false;
    }

    void deliver() {
      while (true) {
        BatchEvent e;
        lock.lock();
        try {
          busy = false;
          while (queue.isEmpty()) {
            idle.signalAll();
            if (stopped) {
              return;
            }
            notEmpty.awaitUninterruptibly();
          }
          e = queue.pollFirst();
          busy = true;
        } finally {
          lock.unlock();
        }
        try {
          listener.onEvent(e);
        } catch (RuntimeException | Error ex) {
          LOG.warn("listener {} threw on {}: {}", listener, e.getClass().getSimpleName(), ex.toString());
        }
      }
    }

    boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
      lock.lock();
      try {
        while (!queue.isEmpty() || busy) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          idle.awaitNanos(left);
        }
        return true;
      } finally {
        lock.unlock();
      }
    }

    void stop() {
      lock.lock();
      try {
        stopped = true;
        notEmpty.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
