package io.prism.batch.core.rag;

import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import io.prism.batch.api.rag.VectorStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link VectorStore} that passes calls to a real one and can be told to fail a kind of call
 * (before it reaches the store) or to "crash" after one (the call reaches the store, then an
 * {@link Error} stops the caller, as if the JVM died). For tests; thread-safe.
 */
public final class FaultyVectorStore implements VectorStore {
  /** The calls that can be made to fail. */
  public enum Op { ENSURE, UPSERT, GET, IDS, QUERY, DELETE }

  private final VectorStore delegate;
  private volatile Op failOn;
  private volatile Op crashAfter;
  private final AtomicInteger upserts = new AtomicInteger();
  private volatile java.util.function.Predicate<String> failUpsertOf = c -> false;
  private volatile Runnable afterUpsert = () -> {};

  /**
   * Wraps a store.
   *
   * @param delegate the real store
   */
  public FaultyVectorStore(VectorStore delegate) {
    this.delegate = delegate;
  }

  /**
   * Makes every call of a kind throw.
   *
   * @param op the kind, or null for none
   */
  public void failOn(Op op) {
    this.failOn = op;
  }

  /**
   * Makes the next calls of a kind throw a {@link SimulatedCrash} after they completed.
   *
   * @param op the kind, or null for none
   */
  public void crashAfter(Op op) {
    this.crashAfter = op;
  }

  /**
   * Makes upserts into the collections the predicate accepts throw.
   *
   * @param collections which collections fail
   */
  public void failUpsertOf(java.util.function.Predicate<String> collections) {
    this.failUpsertOf = collections;
  }

  /**
   * Runs an action after every upsert that reached the store, e.g. a query mid-sync.
   *
   * @param action the action
   */
  public void afterUpsert(Runnable action) {
    this.afterUpsert = action;
  }

  /** Stops failing and drops the hook. */
  public void heal() {
    failOn = null;
    crashAfter = null;
    failUpsertOf = c -> false;
    afterUpsert = () -> {};
  }

  /**
   * Returns the number of upsert calls that reached the store.
   *
   * @return the count
   */
  public int upserts() {
    return upserts.get();
  }

  private void before(Op op) {
    if (failOn == op) {
      throw new IllegalStateException("vector store " + op + " failed (injected)");
    }
  }

  private void after(Op op) {
    if (crashAfter == op) {
      throw new SimulatedCrash("crash after " + op);
    }
  }

  @Override
  public void ensureCollection(String collection) {
    before(Op.ENSURE);
    delegate.ensureCollection(collection);
    after(Op.ENSURE);
  }

  @Override
  public void upsert(String collection, List<VectorEntry> entries) {
    before(Op.UPSERT);
    if (failUpsertOf.test(collection)) {
      throw new IllegalStateException("upsert into " + collection + " failed (injected)");
    }
    delegate.upsert(collection, entries);
    upserts.incrementAndGet();
    afterUpsert.run();
    after(Op.UPSERT);
  }

  @Override
  public List<VectorEntry> get(String collection, Collection<String> ids) {
    before(Op.GET);
    List<VectorEntry> out = delegate.get(collection, ids);
    after(Op.GET);
    return out;
  }

  @Override
  public List<String> ids(String collection, Map<String, Object> filter) {
    before(Op.IDS);
    List<String> out = delegate.ids(collection, filter);
    after(Op.IDS);
    return out;
  }

  @Override
  public List<VectorMatch> query(String collection, float[] vector, int limit,
      Map<String, Object> filter) {
    before(Op.QUERY);
    List<VectorMatch> out = delegate.query(collection, vector, limit, filter);
    after(Op.QUERY);
    return out;
  }

  @Override
  public void delete(String collection, Collection<String> ids) {
    before(Op.DELETE);
    delegate.delete(collection, ids);
    after(Op.DELETE);
  }

  /** Stands for the JVM dying: an {@link Error}, which the sync does not catch. */
  public static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the crash.
     *
     * @param message where it happened
     */
    public SimulatedCrash(String message) {
      super(message);
    }
  }
}
