/**
 * Implementation details of the offline sources: replay data loading, payload shaping, the
 * canonical content hash, the synthetic generator and the plugins. Not a public API.
 */
package io.prism.batch.core.source.internal;
