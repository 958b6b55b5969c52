/**
 * The three-tier read path (L1 cache → L2 record store → L3 market-data source) and its read
 * statistics; the warm, scan and clean jobs that run on the engine over it are in {@link
 * io.prism.batch.core.jobs}.
 */
package io.prism.batch.core.data;
