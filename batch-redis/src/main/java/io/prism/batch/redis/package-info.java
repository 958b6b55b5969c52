/**
 * Redis adapters on <a href="https://lettuce.io">Lettuce</a>: {@link
 * io.prism.batch.redis.RedisCacheTier}, the shared L1 {@link io.prism.batch.api.data.CacheTier},
 * and {@link io.prism.batch.redis.RedisFireLock}, which lets a schedule fire once across a
 * cluster with {@code SET NX PX}.
 */
package io.prism.batch.redis;
