package io.prism.batch.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.Lease;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryTaskQueueTest extends SignallingQueueContract {

  @Override
  protected TaskQueue newQueue(Clock clock) {
    return new MemoryTaskQueue(clock);
  }

  private MemoryTaskQueue memory() {
    return (MemoryTaskQueue) queue;
  }

  @Test
  void shouldWakeWaiterWhenARetryTimeComes() throws Exception {
    // Given a task failed with a retry in 5 s, and a thread waiting for work
    enqueue(task("a"));
    Lease a = claimOne();
    Instant retryAt = clock.instant().plusSeconds(5);
    queue.fail(a, "x", Optional.of(retryAt));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch waiting = new CountDownLatch(1);
      Future<Boolean> woken =
          pool.submit(
              () -> {
                waiting.countDown();
                return memory().awaitClaimable(30, TimeUnit.SECONDS);
              });
      waiting.await();

      // When the clock passes the retry time and the waiters are told
      clock.set(retryAt);
      memory().wakeWaiters();

      // Then the wait ends with work
      assertThat(woken.get(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldWakeWaiterWhenALeaseIsReleased() throws Exception {
    // Given the only task running, and a thread waiting for work
    enqueue(task("a"));
    Lease a = claimOne();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch waiting = new CountDownLatch(1);
      Future<Boolean> woken =
          pool.submit(
              () -> {
                waiting.countDown();
                return memory().awaitClaimable(30, TimeUnit.SECONDS);
              });
      waiting.await();

      // When the worker gives it back / Then the wait ends with work
      queue.release(a);
      assertThat(woken.get(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldEndWaitsAndRefuseWorkWhenClosed() throws Exception {
    // Given a thread waiting on an empty queue
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch waiting = new CountDownLatch(1);
      Future<Boolean> woken =
          pool.submit(
              () -> {
                waiting.countDown();
                return memory().awaitClaimable(30, TimeUnit.SECONDS);
              });
      waiting.await();

      // When the queue closes
      queue.close();

      // Then the wait ends without work, and changes are refused
      assertThat(woken.get(30, TimeUnit.SECONDS)).isFalse();
      assertThatThrownBy(() -> queue.enqueue(List.of(task("b"))))
          .isInstanceOf(IllegalStateException.class);
      assertThat(queue.stats().total()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldOrderManyRetriesAndReleasesBySequence() {
    // Given ten tasks of one priority, of which the odd ones are released after all were claimed
    for (int i = 0; i < 10; i++) {
      enqueue(task("t" + i));
    }
    List<Lease> all = claim(10);
    for (int i = 9; i >= 0; i--) {
      if (i % 2 == 1) {
        queue.release(all.get(i));
      }
    }
    // and two fresh tasks are enqueued
    enqueue(task("fresh1"), task("fresh2"));

    // When claimed / Then the released ones come back in their original order, before fresh work
    assertThat(ids(claim(10))).containsExactly("t1", "t3", "t5", "t7", "t9", "fresh1", "fresh2");
  }

  @Test
  void shouldMoveDelayedTasksIntoTheirPlaceWhenDue() {
    // Given a delayed task enqueued first, then two tasks due now
    Task delayed =
        Task.builder("test").id("delayed").notBefore(clock.instant().plusSeconds(10)).build();
    enqueue(delayed, task("a"), task("b"));
    assertThat(ids(claim(1))).containsExactly("a");

    // When its time comes / Then it takes its enqueue-order place ahead of b
    clock.advance(Duration.ofSeconds(10));
    assertThat(ids(claim(10))).containsExactly("delayed", "b");
  }
}
