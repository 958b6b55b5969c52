/** Implementation details of the RAG sync: number formatting, file codecs, plugins. */
package io.prism.batch.core.rag.internal;
