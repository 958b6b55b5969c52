/**
 * A {@link io.prism.batch.api.rag.VectorStore} over Chroma's HTTP API v2: build one with {@link
 * io.prism.batch.chroma.ChromaVectorStore#builder()}, or pick it by the name {@code "chroma"}
 * through {@link io.prism.batch.chroma.ChromaPlugin}.
 */
package io.prism.batch.chroma;
