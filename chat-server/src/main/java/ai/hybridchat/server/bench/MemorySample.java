package ai.hybridchat.server.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Where this process's memory is, after a full collection: the resident set from {@code /proc},
 * the Java heap (used and committed), NIO's direct buffers (DJL backs tensors read from files with
 * them), and, when the JVM runs with {@code -XX:NativeMemoryTracking=summary}, what the JVM itself
 * has committed. The resident set less the JVM's committed memory is what native libraries
 * (libtorch, ONNX Runtime) hold with their own allocators, which the JVM does not see. Growth in
 * one column, not the others, says which part grows: a filling cache shows in the heap, a leaked
 * tensor in the direct buffers or the native rest.
 *
 * @param nmtCommittedBytes -1 when native memory tracking is off
 */
public record MemorySample(double atSeconds, long rssBytes, long heapUsedBytes, long heapCommittedBytes, long directBytes,
                           long nmtCommittedBytes) {
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    /** The resident set not committed by the JVM (native libraries' own allocations); -1 without tracking. */
    public long untrackedNativeBytes() {
        return nmtCommittedBytes < 0 ? -1 : rssBytes - nmtCommittedBytes;
    }

    /** A sample after three full collections, {@code atSeconds} into the run. */
    public static MemorySample afterGc(double atSeconds) throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return new MemorySample(atSeconds, rss(), heap.getUsed(), heap.getCommitted(), direct, nmtCommitted());
    }

    private static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return 0;
    }

    /** The JVM's own committed memory from its native memory tracking (jcmd's VM.native_memory summary), or -1. */
    static long nmtCommitted() {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            return parseNmtCommitted(String.valueOf(text));
        } catch (Exception e) {
            return -1;
        }
    }

    /** The committed total of an NMT summary, in bytes, or -1 when the text has none (tracking off). */
    static long parseNmtCommitted(String summary) {
        Matcher m = NMT_TOTAL.matcher(summary);
        return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
    }
}
