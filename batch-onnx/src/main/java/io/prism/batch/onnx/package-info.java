/**
 * An ONNX Runtime {@link io.prism.batch.api.rag.Embedder} for BGE Chinese models: {@link
 * io.prism.batch.onnx.OnnxEmbedder}, built in code, or the {@code "onnx"} provider {@link
 * io.prism.batch.onnx.OnnxEmbedderPlugin} for configuration files.
 */
package io.prism.batch.onnx;
