/** Optional Micrometer binding of the engine's metrics. */
package io.prism.batch.core.metrics;
