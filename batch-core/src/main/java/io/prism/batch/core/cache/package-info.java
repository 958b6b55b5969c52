/**
 * The embedded L1 cache tier: {@link io.prism.batch.core.cache.CaffeineCacheTier}, an
 * in-process {@link io.prism.batch.api.data.CacheTier} on Caffeine with a time to live per
 * record.
 */
package io.prism.batch.core.cache;
