/**
 * Implementation detail of {@code batch-chroma}: HTTP calls, JSON payloads, filter mapping and
 * batching. Not an API; it may change in any release.
 */
package io.prism.batch.chroma.internal;
