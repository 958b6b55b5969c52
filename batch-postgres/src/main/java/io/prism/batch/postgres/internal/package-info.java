/** Implementation details of the PostgreSQL adapter; not a public API. */
package io.prism.batch.postgres.internal;
