/**
 * Implementation details of the offline sources: replay data loading, payload shaping, the
 * synthetic generator and the plugins (the content hash is {@link
 * io.prism.batch.core.internal.CanonicalJson#contentHash}). Not a public API.
 */
package io.prism.batch.core.source.internal;
