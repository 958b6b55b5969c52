/**
 * The three-tier read path (L1 cache → L2 record store → L3 market-data source), its read
 * statistics, and the warm, scan and clean jobs that run on the engine.
 */
package io.prism.batch.core.data;
