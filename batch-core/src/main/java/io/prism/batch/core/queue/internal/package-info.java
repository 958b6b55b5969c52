/** Implementation details of the embedded task queues: their plugin providers. Not API. */
package io.prism.batch.core.queue.internal;
