package io.prism.batch.api;

/**
 * A task that ended failed.
 *
 * @param taskId the task
 * @param type its type
 * @param errorClass the class of its last failure
 * @param message the last error message
 * @param attempts how many times it ran
 */
public record TaskFailure(
    String taskId, String type, ErrorClass errorClass, String message, int attempts) {}
