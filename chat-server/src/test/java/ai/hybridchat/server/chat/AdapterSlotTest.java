package ai.hybridchat.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.testing.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Adapters swapped under load: each closed exactly once, never while a request holds it. */
class AdapterSlotTest {
    /** An adapter's native memory, standing in: counts its users and its closes. */
    static final class Resources implements AutoCloseable {
        final AtomicInteger users = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean closedWhileUsed;

        @Override
        public void close() {
            closedWhileUsed |= users.get() > 0;
            closes.incrementAndGet();
        }
    }

    static AdapterSlot.Adapter adapter(String name, Resources r) {
        return new AdapterSlot.Adapter(new ScriptedChatModel(name), name, null, r);
    }

    @Test
    void aReplacedAdapterIsClosedOnceItsLastRequestEnds() {
        Resources first = new Resources();
        AdapterSlot slot = new AdapterSlot(adapter("a", first));
        AdapterSlot.Lease request = slot.acquire();
        Resources second = new Resources();
        slot.swap(adapter("b", second));
        assertEquals(0, first.closes.get(), "a request still generates with it");
        assertEquals("b", slot.peek().name(), "new requests get the new one");
        request.close();
        assertEquals(1, first.closes.get());
        slot.close();
        assertEquals(1, second.closes.get());
        assertNull(slot.acquire());
    }

    @Test
    void concurrentRequestsAndSwapsCloseEveryAdapterOnceAndNeverInUse() throws Exception {
        List<Resources> all = new ArrayList<>();
        Resources initial = new Resources();
        all.add(initial);
        AdapterSlot slot = new AdapterSlot(adapter("a0", initial));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(pool.submit(() -> {
                int served = 0;
                while (!stop.get()) {
                    try (AdapterSlot.Lease lease = slot.acquire()) {
                        Resources r = (Resources) lease.adapter().resources();
                        r.users.incrementAndGet();
                        Thread.onSpinWait();
                        r.users.decrementAndGet();
                        served++;
                    }
                }
                return served;
            }));
        }
        for (int i = 1; i <= 300; i++) {
            Resources r = new Resources();
            all.add(r);
            slot.swap(adapter("a" + i, r));
        }
        stop.set(true);
        int served = 0;
        for (Future<Integer> f : workers) {
            served += f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        slot.close();
        assertTrue(served > 0);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(1, all.get(i).closes.get(), "adapter " + i + " closed once");
            assertTrue(!all.get(i).closedWhileUsed, "adapter " + i + " closed while a request used it");
        }
    }
}
