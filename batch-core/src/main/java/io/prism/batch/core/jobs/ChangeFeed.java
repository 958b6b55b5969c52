package io.prism.batch.core.jobs;

import io.prism.batch.core.data.RecordChange;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the read path's change events out to subscribers that come and go at run time, e.g. the
 * RAG sync. Give the feed to the read path once, then subscribe:
 *
 * <pre>{@code
 * ChangeFeed changes = new ChangeFeed();
 * DataPath path = TieredDataPath.builder()
 *     .cache(l1).store(l2).source(l3)
 *     .onChange(changes)                       // every record whose hash changed, new ones too
 *     .build();
 * try (ChangeFeed.Subscription s = changes.subscribe(c -> ragSync.enqueue(c.record()))) {
 *   warmJobs.watchlistWarm();
 * }
 * }</pre>
 *
 * <p>A subscriber is called on the thread that stored the record (an engine worker during a
 * warm job), so it should hand the change off rather than do slow work. A subscriber that throws
 * is logged and does not keep the change from the others. Thread-safe.
 */
public final class ChangeFeed implements Consumer<RecordChange> {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

  private final List<Consumer<RecordChange>> subscribers = new CopyOnWriteArrayList<>();

  /** Creates a feed with no subscribers. */
  public ChangeFeed() {}

  /**
   * Adds a subscriber.
   *
   * @param subscriber gets every change from now on
   * @return the subscription; close it to unsubscribe
   */
  public Subscription subscribe(Consumer<RecordChange> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    // a wrapper per subscription, so the same consumer may be subscribed twice and closed once
    Consumer<RecordChange> entry = subscriber::accept;
    subscribers.add(entry);
    return () -> subscribers.remove(entry);
  }

  /**
   * Returns how many subscribers the feed has.
   *
   * @return the count
   */
  public int subscriberCount() {
    return subscribers.size();
  }

  /**
   * Passes a change to every subscriber; called by the read path.
   *
   * @param change the change
   */
  @Override
  public void accept(RecordChange change) {
    for (Consumer<RecordChange> s : subscribers) {
      try {
        s.accept(change);
      } catch (RuntimeException e) {
        LOG.warn("change subscriber failed on {}: {}", change.record().key(), e.toString());
      }
    }
  }

  /** A subscription to a {@link ChangeFeed}; closing it twice is harmless. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    /** Stops the deliveries. */
    @Override
    void close();
  }
}
