/**
 * RAG service-provider interfaces: {@link io.prism.batch.api.rag.Embedder} turns text into
 * vectors, {@link io.prism.batch.api.rag.VectorStore} keeps them searchable.
 */
package io.prism.batch.api.rag;
