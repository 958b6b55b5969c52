/**
 * Redis adapters on <a href="https://lettuce.io">Lettuce</a>: {@link
 * io.prism.batch.redis.RedisCacheTier}, the shared L1 {@link io.prism.batch.api.data.CacheTier},
 * and {@link io.prism.batch.redis.RedisFireGuard}, the {@link
 * io.prism.batch.api.schedule.FireGuard} that lets a schedule fire once across a cluster with
 * {@code SET NX PX}. Both are registered as the {@code redis} providers of their SPI.
 */
package io.prism.batch.redis;
