package ai.hybridchat.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
    static void awaitDone(Job job) throws InterruptedException {
        for (int i = 0; i < 500 && !job.finished(); i++) {
            Thread.sleep(10);
        }
        assertTrue(job.finished(), job.view().toString());
    }

    @Test
    void aLateSubscriberGetsEveryEventFromTheStartThenTheRest() throws Exception {
        try (JobRunner runner = new JobRunner()) {
            CountDownLatch halfway = new CountDownLatch(1);
            CountDownLatch goOn = new CountDownLatch(1);
            Job job = runner.submit("test", j -> {
                j.emit("progress", Map.of("done", 1));
                halfway.countDown();
                goOn.await(5, TimeUnit.SECONDS);
                j.emit("progress", Map.of("done", 2));
                return Map.of("ok", true);
            });
            assertTrue(halfway.await(5, TimeUnit.SECONDS));
            List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
            job.subscribe(seen::add);
            goOn.countDown();
            awaitDone(job);
            assertEquals(List.of("state", "progress", "progress", "done"), seen.stream().map(e -> e.get("event")).toList());
            assertEquals("succeeded", seen.get(3).get("state"));
            assertEquals(Job.State.SUCCEEDED, job.state());
        }
    }

    @Test
    void aFailureAndACancellationEndTheJobWithTheirState() throws Exception {
        try (JobRunner runner = new JobRunner()) {
            Job failing = runner.submit("test", j -> {
                throw new IllegalStateException("disk full");
            });
            awaitDone(failing);
            assertEquals(Job.State.FAILED, failing.state());
            assertEquals("disk full", failing.view().get("error"));

            CountDownLatch started = new CountDownLatch(1);
            Job slow = runner.submit("test", j -> {
                started.countDown();
                while (!j.cancelRequested()) {
                    Thread.sleep(5);
                }
                return null;
            });
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertTrue(runner.cancel(slow.id()));
            awaitDone(slow);
            assertEquals(Job.State.CANCELLED, slow.state());
            assertFalse(runner.cancel(slow.id()), "a finished job cannot be cancelled again");
            assertFalse(runner.cancel("job-404"));
        }
    }

    @Test
    void closingTheRunnerEndsTheRunningJobBeforeItReturns() throws Exception {
        JobRunner runner = new JobRunner();
        CountDownLatch started = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stillWorkingAfterClose = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Job running = runner.submit("test", j -> {
            started.countDown();
            long spin = 0;
            while (!j.cancelRequested()) {
                spin++; // busy, as a tuning step is: it sees the cancellation, not an interrupt
            }
            // a job winding down after the cancel (writing nothing) still takes a moment
            long until = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < until) {
                spin++;
            }
            stillWorkingAfterClose.set(closed.get());
            return spin;
        });
        Job queued = runner.submit("test", j -> "never");
        assertTrue(started.await(5, TimeUnit.SECONDS));
        runner.close();
        closed.set(true);
        assertTrue(running.finished(), "close() returned while the job still ran");
        assertEquals(Job.State.CANCELLED, running.state());
        assertFalse(stillWorkingAfterClose.get());
        assertEquals(Job.State.CANCELLED, queued.state(), "a queued job ends with the runner");
    }

    @Test
    void onlyTheLastFinishedJobsAreKeptAndAJobKeepsABoundedNumberOfEvents() throws Exception {
        try (JobRunner runner = new JobRunner()) {
            Job first = runner.submit("noisy", j -> {
                for (int k = 0; k < Job.MAX_KEPT_EVENTS * 2; k++) {
                    j.emit("progress", Map.of("done", k));
                }
                return Map.of();
            });
            awaitDone(first);
            assertEquals(Job.MAX_KEPT_EVENTS, ((Number) first.view().get("events")).intValue(), "events are bounded");
            Job last = null;
            for (int k = 0; k < JobRunner.KEPT_FINISHED + 10; k++) {
                last = runner.submit("quick", j -> Map.of());
                awaitDone(last);
            }
            runner.submit("one more", j -> Map.of());
            assertTrue(runner.all().size() <= JobRunner.KEPT_FINISHED + 1, "finished jobs are forgotten: " + runner.all().size());
            assertFalse(runner.get(first.id()).isPresent(), "the oldest went first");
            assertTrue(runner.get(last.id()).isPresent(), "the newest stay");
        }
    }
}
