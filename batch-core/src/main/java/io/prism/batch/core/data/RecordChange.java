package io.prism.batch.core.data;

import io.prism.batch.api.data.DataRecord;

/**
 * A record whose content hash changed (or that is new) after a fetch: the signal the RAG sync
 * consumes.
 *
 * @param record the new record
 */
public record RecordChange(DataRecord record) {}
