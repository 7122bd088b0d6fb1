package ai.hybridchat.server.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Runs admin jobs one at a time on a background thread (a reindex and a tuning run each use
 * every core; queueing them keeps chat latency bounded while one runs), and keeps them for the
 * jobs API.
 */
public final class JobRunner implements AutoCloseable {
    /** The work of a job: reports through {@code job.emit}, checks {@code job.cancelRequested()}. */
    public interface Work {
        Object run(Job job) throws Exception;
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "admin-jobs");
        t.setDaemon(true);
        return t;
    });
    /** Finished jobs kept for the jobs API; older ones are forgotten (running and queued ones never). */
    public static final int KEPT_FINISHED = 50;

    private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger next = new AtomicInteger(1);

    public Job submit(String kind, Work work) {
        Job job = new Job("job-" + next.getAndIncrement(), kind);
        synchronized (jobs) {
            jobs.put(job.id(), job);
            forgetOldFinished();
        }
        executor.submit(() -> {
            if (job.cancelRequested()) {
                job.finished(Job.State.CANCELLED, null, null);
                return;
            }
            job.running();
            try {
                Object result = work.run(job);
                job.finished(job.cancelRequested() ? Job.State.CANCELLED : Job.State.SUCCEEDED, result, null);
            } catch (CancellationException e) {
                job.finished(Job.State.CANCELLED, null, e.getMessage());
            } catch (Exception | Error e) {
                job.finished(job.cancelRequested() ? Job.State.CANCELLED : Job.State.FAILED, null,
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        });
        return job;
    }

    /** Drops the oldest finished jobs beyond {@link #KEPT_FINISHED}; the map is in submission order. */
    private void forgetOldFinished() {
        long finished = jobs.values().stream().filter(Job::finished).count();
        for (var it = jobs.values().iterator(); it.hasNext() && finished > KEPT_FINISHED; ) {
            if (it.next().finished()) {
                it.remove();
                finished--;
            }
        }
    }

    public Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    public List<Job> all() {
        synchronized (jobs) {
            return new ArrayList<>(jobs.values());
        }
    }

    public boolean cancel(String id) {
        Job job = jobs.get(id);
        if (job == null || job.finished()) {
            return false;
        }
        job.requestCancel();
        return true;
    }

    /** How long {@link #close()} waits for the running job to see its cancellation and end. */
    static final long CLOSE_WAIT_SECONDS = 60;

    /**
     * Cancels every job and waits (up to {@value #CLOSE_WAIT_SECONDS} s) for the running one to
     * end, so that no job still reads the index or a model once the server has closed them.
     */
    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(Job::requestCancel);
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LoggerFactory.getLogger(JobRunner.class).warn("an admin job did not end within {} s of the server's close",
                        CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the jobs still queued never run: they end here rather than stay queued for ever
        synchronized (jobs) {
            jobs.values().stream().filter(j -> j.state() == Job.State.QUEUED)
                    .forEach(j -> j.finished(Job.State.CANCELLED, null, "the server stopped before the job started"));
        }
    }
}
