/**
 * Implementation details shared by several batch-core packages: canonical JSON and content
 * hashes, atomic file replacement. Not a public API.
 */
package io.prism.batch.core.internal;
