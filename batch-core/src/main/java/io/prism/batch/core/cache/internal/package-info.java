/** Implementation details of the cache tiers; not a public API. */
package io.prism.batch.core.cache.internal;
