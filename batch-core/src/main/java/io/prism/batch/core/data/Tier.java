package io.prism.batch.core.data;

/** Where a read was served from. */
public enum Tier {
  /** The cache tier. */
  L1,
  /** The record store. */
  L2,
  /** The market-data source. */
  L3,
  /** Nowhere: the source has no such data. */
  NONE
}
