package io.prism.batch.core.rag;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link VersionStore} that passes calls to a real one and can be told to fail the writes of
 * the sync (before they reach the store). For tests; thread-safe.
 */
public final class FaultyVersionStore implements VersionStore {
  /** The writes that can be made to fail. */
  public enum Op { CREATE_PENDING, ADD_MAPPINGS, ACTIVATE, MARK_FAILED }

  private final VersionStore delegate;
  private volatile Op failOn;

  /**
   * Wraps a store.
   *
   * @param delegate the real store
   */
  public FaultyVersionStore(VersionStore delegate) {
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

  /** Stops failing. */
  public void heal() {
    failOn = null;
  }

  private void before(Op op) {
    if (failOn == op) {
      throw new IllegalStateException("version store " + op + " failed (injected)");
    }
  }

  @Override
  public DataVersion createPending(DataKey key, String dataHash, String model, String source) {
    before(Op.CREATE_PENDING);
    return delegate.createPending(key, dataHash, model, source);
  }

  @Override
  public void addMappings(String versionId, List<VectorMapping> mappings) {
    before(Op.ADD_MAPPINGS);
    delegate.addMappings(versionId, mappings);
  }

  @Override
  public DataVersion activate(String versionId) {
    before(Op.ACTIVATE);
    return delegate.activate(versionId);
  }

  @Override
  public void markFailed(String versionId, String error) {
    before(Op.MARK_FAILED);
    delegate.markFailed(versionId, error);
  }

  @Override
  public Optional<DataVersion> rollback(DataKey key) {
    return delegate.rollback(key);
  }

  @Override
  public List<DataVersion> archiveDeprecatedBefore(Instant cutoff) {
    return delegate.archiveDeprecatedBefore(cutoff);
  }

  @Override
  public Optional<DataVersion> get(String versionId) {
    return delegate.get(versionId);
  }

  @Override
  public Optional<DataVersion> active(DataKey key) {
    return delegate.active(key);
  }

  @Override
  public List<DataVersion> history(DataKey key) {
    return delegate.history(key);
  }

  @Override
  public List<DataVersion> byStatus(VersionStatus status) {
    return delegate.byStatus(status);
  }

  @Override
  public List<VectorMapping> mappings(String versionId) {
    return delegate.mappings(versionId);
  }

  @Override
  public Set<String> activeAmong(Collection<String> versionIds) {
    return delegate.activeAmong(versionIds);
  }
}
