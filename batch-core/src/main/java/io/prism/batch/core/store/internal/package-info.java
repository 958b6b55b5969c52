/** Implementation details of the embedded stores; not a public API. */
package io.prism.batch.core.store.internal;
