package io.prism.batch.api;

/**
 * Receives a batch's events. SPI.
 *
 * <p>Each listener gets its events in order on its own delivery thread, so a slow or throwing
 * listener delays only itself: never the workers, never the other listeners. A listener that
 * falls too far behind loses its oldest progress and heartbeat events first.
 */
@FunctionalInterface
public interface BatchListener {

  /**
   * Handles one event.
   *
   * @param event the event
   */
  void onEvent(BatchEvent event);
}
