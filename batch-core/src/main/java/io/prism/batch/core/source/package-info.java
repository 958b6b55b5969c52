/**
 * Offline market-data sources: {@link io.prism.batch.core.source.ReplayMarketDataSource}
 * (provider {@code replay}) replays real and documentation-shaped AKShare data for five stocks;
 * {@link io.prism.batch.core.source.SyntheticMarketDataSource} (provider {@code synthetic}) makes
 * up deterministic data for any number of stocks. Both produce the AKShare source's payload
 * shapes and content hashes.
 */
package io.prism.batch.core.source;
