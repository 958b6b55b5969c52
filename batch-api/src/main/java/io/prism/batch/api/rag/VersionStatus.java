package io.prism.batch.api.rag;

/**
 * The lifecycle of a RAG data version: {@code PENDING → ACTIVE → DEPRECATED → ARCHIVED}, or
 * {@code PENDING → FAILED}. At most one version of a key is active.
 */
public enum VersionStatus {
  /** Being written: vectors may exist but queries never return them. */
  PENDING,
  /** The version queries return. */
  ACTIVE,
  /** Superseded; kept for rollback until archived. */
  DEPRECATED,
  /** Past retention; its vectors are gone. */
  ARCHIVED,
  /** Its sync failed; the previous version stayed active. */
  FAILED
}
