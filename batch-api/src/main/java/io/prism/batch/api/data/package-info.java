/**
 * The three-tier data path's service-provider interfaces: {@link
 * io.prism.batch.api.data.CacheTier} (L1), {@link io.prism.batch.api.data.RecordStore} (L2) and
 * {@link io.prism.batch.api.data.MarketDataSource} (L3), keyed by {@link
 * io.prism.batch.api.data.DataKey}; watchlists and job records.
 */
package io.prism.batch.api.data;
