/** Implementation details of the Redis adapters; not a public API. */
package io.prism.batch.redis.internal;
