package ai.hybridchat.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemorySampleTest {
    @Test
    void theJvmsCommittedTotalIsReadFromItsNativeMemorySummary() {
        // as JDK 17's VM.native_memory summary prints it (java -XX:NativeMemoryTracking=summary)
        String summary = "\nNative Memory Tracking:\n\n(Omitting categories weighting less than 1KB)\n\n"
                + "Total: reserved=7840882KB, committed=477958KB\n       malloc: 9514KB #16038\n"
                + "       mmap:   reserved=7831368KB, committed=468444KB\n\n"
                + "-                 Java Heap (reserved=6172672KB, committed=397312KB)\n";
        assertEquals(477958L * 1024, MemorySample.parseNmtCommitted(summary));
        assertEquals(-1, MemorySample.parseNmtCommitted("Native memory tracking is not enabled\n"));
    }

    @Test
    void aSampleOfThisProcessSeesItsHeapAndResidentSet() throws Exception {
        byte[] held = new byte[64 << 20];
        MemorySample s = MemorySample.afterGc(1.5);
        assertEquals(1.5, s.atSeconds());
        assertTrue(s.heapUsedBytes() >= held.length, "the 64 MB array is on the heap: " + s);
        assertTrue(s.heapCommittedBytes() >= s.heapUsedBytes(), s.toString());
        assertTrue(s.rssBytes() > s.heapUsedBytes() / 2, "the resident set from /proc: " + s);
        assertEquals(-1, s.untrackedNativeBytes(), "the test JVM runs without native memory tracking");
        held[0] = 1;
    }
}
