/**
 * Implementation detail of {@code io.prism.batch.onnx}: the WordPiece tokenizer and the ONNX
 * Runtime session. Not API; may change in any release.
 */
package io.prism.batch.onnx.internal;
