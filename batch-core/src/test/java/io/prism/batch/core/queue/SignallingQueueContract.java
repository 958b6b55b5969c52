package io.prism.batch.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.SignallingQueue;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of queues that also implement {@link SignallingQueue}, on top of {@link
 * TaskQueueContract}. Kept apart so that a queue without signalling runs no test it cannot pass.
 */
public abstract class SignallingQueueContract extends TaskQueueContract {

  @Test
  void shouldSignalClaimableWorkWhenSignalling() throws Exception {
    SignallingQueue signalling = (SignallingQueue) queue;

    // Given an empty queue / Then a wait times out
    assertThat(signalling.awaitClaimable(10, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(signalling.nextNotBefore()).isEmpty();

    // When another thread enqueues while we wait / Then the wait ends with true
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch waiting = new CountDownLatch(1);
      Future<Boolean> woken =
          pool.submit(
              () -> {
                waiting.countDown();
                return signalling.awaitClaimable(30, TimeUnit.SECONDS);
              });
      waiting.await();
      enqueue(task("a"));
      assertThat(woken.get(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }

    // And with claimable work a wait returns at once
    assertThat(signalling.awaitClaimable(0, TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void shouldReportNextNotBeforeWhenSignalling() throws Exception {
    SignallingQueue signalling = (SignallingQueue) queue;

    // Given only tasks that wait for their time
    Instant in10 = clock.instant().plusSeconds(10);
    Instant in20 = clock.instant().plusSeconds(20);
    enqueue(
        Task.builder("test").id("b").notBefore(in20).build(),
        Task.builder("test").id("a").notBefore(in10).build());

    // Then nothing is claimable and the next time is the earlier one
    assertThat(signalling.awaitClaimable(0, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(signalling.nextNotBefore()).contains(in10);

    // When the first time comes / Then work is claimable and the next time moves on
    clock.set(in10);
    assertThat(signalling.awaitClaimable(0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(signalling.nextNotBefore()).contains(in20);
    assertThat(ids(claim(10))).containsExactly("a");
  }
}
