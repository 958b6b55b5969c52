/**
 * The AKShare market-data source: {@link io.prism.batch.akshare.AkToolsSource}, a {@link
 * io.prism.batch.api.data.MarketDataSource} over AKTools' HTTP API, registered as provider
 * {@code akshare}.
 */
package io.prism.batch.akshare;
