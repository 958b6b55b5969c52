/**
 * Implementation detail of the embedded scheduler: wall-clock slot sources (cron-utils for cron
 * expressions, a plain one for daily times) and the {@link io.prism.batch.api.BatchPlugin}
 * providers. Not part of the public API.
 */
package io.prism.batch.core.schedule.internal;
