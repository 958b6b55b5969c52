/**
 * Implementation details of the AKShare source: the HTTP client with retries and circuit breaker,
 * the mapping of each data type to an AKShare function, payload building and the canonical
 * content hash. Not a public API.
 */
package io.prism.batch.akshare.internal;
