/**
 * The RAG sync: keeps a vector index true to the structured records and answers questions from
 * it.
 *
 * <ul>
 *   <li>{@link io.prism.batch.core.rag.RagSyncProcessor} — the {@code rag_sync} processor: render
 *       ({@link io.prism.batch.core.rag.DocumentRenderer}, {@link
 *       io.prism.batch.core.rag.MarketDocumentRenderer}), hash ({@link
 *       io.prism.batch.core.rag.ContentHasher}), chunk ({@link io.prism.batch.core.rag.Chunker}),
 *       embed, upsert, record mappings, activate, clean up; unchanged records are never
 *       re-embedded, a failed sync leaves the previous version active;
 *   <li>{@link io.prism.batch.core.rag.Reconciler} — finds and repairs drift between the vector
 *       store and the version ledger;
 *   <li>{@link io.prism.batch.core.rag.RagQuery} — similarity threshold, hybrid score, active
 *       versions only;
 *   <li>embedded SPI implementations: {@link io.prism.batch.core.rag.InMemoryVectorStore}
 *       (provider {@code memory}) and {@link io.prism.batch.core.rag.FileVersionStore}
 *       (providers {@code file} and {@code memory}).
 * </ul>
 */
package io.prism.batch.core.rag;
