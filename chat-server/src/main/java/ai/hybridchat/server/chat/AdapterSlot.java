package ai.hybridchat.server.chat;

import dev.langchain4j.model.chat.ChatModel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter the tuned and hybrid modes answer with: one immutable value ({@link Adapter}) behind
 * one reference, swapped atomically, so a request never sees the model of one adapter with the
 * name or scope of another. Each request {@link #acquire}s the adapter it starts with and keeps
 * it to its end; an adapter swapped out is closed (its native memory released) once the last
 * request that holds it is done.
 */
final class AdapterSlot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterSlot.class);

    /**
     * An adapter as served: the adapted model, its name, the questions it was tuned on (null: no
     * bound), and what to close when it is retired (null: nothing, e.g. a remote model).
     */
    record Adapter(ChatModel model, String name, TunedScope scope, AutoCloseable resources) {
        Adapter {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A request's hold on an adapter; closing it lets go. */
    static final class Lease implements AutoCloseable {
        private final Held held;

        private Lease(Held held) {
            this.held = held;
        }

        Adapter adapter() {
            return held.adapter;
        }

        @Override
        public void close() {
            held.release();
        }
    }

    /** An adapter with its count of holders: the slot itself while current, plus each request. */
    private static final class Held {
        final Adapter adapter;
        final AtomicInteger holders = new AtomicInteger(1);

        Held(Adapter adapter) {
            this.adapter = adapter;
        }

        boolean tryAcquire() {
            while (true) {
                int n = holders.get();
                if (n == 0) {
                    return false; // retired and closed while we looked
                }
                if (holders.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (holders.decrementAndGet() == 0 && adapter.resources() != null) {
                try {
                    adapter.resources().close();
                } catch (Exception e) {
                    LOG.warn("closing retired adapter {} failed", adapter.name(), e);
                }
            }
        }
    }

    private final AtomicReference<Held> current = new AtomicReference<>();

    AdapterSlot(Adapter initial) {
        if (initial != null) {
            current.set(new Held(initial));
        }
    }

    /** The current adapter, held until the lease is closed; null when none is loaded. */
    Lease acquire() {
        while (true) {
            Held h = current.get();
            if (h == null) {
                return null;
            }
            if (h.tryAcquire()) {
                return new Lease(h);
            }
        }
    }

    /** The current adapter without holding it (for names and availability), or null. */
    Adapter peek() {
        Held h = current.get();
        return h == null ? null : h.adapter;
    }

    /** Makes {@code next} current; the one it replaces is closed once no request holds it. */
    void swap(Adapter next) {
        Held old = current.getAndSet(next == null ? null : new Held(next));
        if (old != null) {
            old.release();
        }
    }

    @Override
    public void close() {
        swap(null);
    }
}
