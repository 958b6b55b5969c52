/** Run reports of a finished batch as Markdown, JSON and HTML. */
package io.prism.batch.core.report;
