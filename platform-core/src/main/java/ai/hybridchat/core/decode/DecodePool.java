package ai.hybridchat.core.decode;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads for the parallel sections of one decode step (a fused projection, the
 * attention heads, the output head): the caller runs part 0 and {@code threads - 1} workers run
 * the others. A step has ~4 sections per layer, each a fraction of a millisecond, so waking a
 * parked thread (tens of microseconds) per section would cost more than the work; workers spin
 * while sections keep coming and park only after {@link #SPIN_NANOS} without one, so an idle
 * server does not burn a core. Written by hand because {@code ForkJoinPool} and executors hand
 * work over through queues and park/unpark, the latency this avoids.
 */
final class DecodePool {
    static final long SPIN_NANOS = 200_000;

    /** One team for the JVM, started on first use (sections of concurrent requests take turns). */
    private static final class Shared {
        static final DecodePool POOL = new DecodePool(configuredThreads());
    }

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger done = new AtomicInteger();
    private volatile long generation;
    private volatile IntConsumer task;
    private volatile RuntimeException failure;

    DecodePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /** The JVM's decode threads: {@code ai.hybridchat.decode.threads} of them, else one per core. */
    static DecodePool shared() {
        return Shared.POOL;
    }

    private static int configuredThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Integer.getInteger("ai.hybridchat.decode.threads", cores));
    }

    /** Runs {@code part.accept(p)} for every {@code p} in {@code 0..threads-1}, in parallel; returns when all are done. */
    synchronized void run(IntConsumer part) {
        if (workers.length == 0) {
            part.accept(0);
            return;
        }
        task = part;
        done.set(0);
        failure = null;
        generation++;
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        RuntimeException mine = null;
        try {
            part.accept(0);
        } catch (RuntimeException e) {
            mine = e;
        }
        while (done.get() < workers.length) {
            Thread.onSpinWait();
        }
        task = null;
        if (mine != null) {
            throw mine;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Splits {@code n} items into this pool's parts: part {@code p} takes {@code [from(p), from(p + 1))}. */
    int from(int p, int n) {
        return (int) ((long) n * p / threads);
    }

    private final class Worker extends Thread {
        private final int part;
        volatile boolean parked;

        Worker(int part) {
            super("decode-" + part);
            this.part = part;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long idleSince = System.nanoTime();
                while (generation == seen) {
                    if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    // announce, then look once more: the caller either sees parked and unparks, or we see its new generation
                    parked = true;
                    if (generation == seen) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
                seen = generation;
                try {
                    task.accept(part);
                } catch (Throwable e) {
                    // an Error too: a worker that died would leave every later section waiting for it
                    failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }
}
