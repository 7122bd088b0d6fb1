package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.decode.StreamingRead;
import ai.hybridchat.core.decode.VectorSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's memory bandwidth, which batch-1 decoding is bound by (every weight is read once per
 * token), measured three ways in the same run so that the yardstick is what the hardware gives and
 * not what one slow kernel reaches:
 *
 * <ul>
 *   <li>libtorch's reduction ({@code sum}) over a 1 GiB F32 array, on all its intra-op threads;
 *   <li>the decode threads' own streaming read of the same memory (the vector-API kernel, when the
 *       JVM has the module), split as a decode step splits the weights;
 *   <li>{@code sysbench memory} (Debian's sysbench), an independent program, reading 1 GiB blocks
 *       on as many threads, each its own block ({@code --memory-scope=local}: with the default
 *       global scope the threads read the same block and share its lines in the L3 cache, which
 *       read up to 25% above any single stream here), as the cross-check.
 * </ul>
 *
 * The read bandwidth the decode figures are divided by is the best of the in-process reads. Copy
 * (libtorch's {@code copy_} into a preallocated array; bytes read + bytes written over time) is
 * reported beside it. The first wave's yardstick (a 256 MB {@code duplicate()}, timed with the
 * page faults of its fresh allocation) read 5x low and is gone.
 */
public record MemoryBandwidth(double libtorchRead, double decodeThreadsRead, double copy, OptionalDouble sysbenchRead,
                              int threads) {
    static final long BYTES = 1L << 30;
    private static final Pattern SYSBENCH_RATE = Pattern.compile("\\(([0-9]+(?:\\.[0-9]+)?) MiB/sec\\)");

    /** The best in-process read (bytes/s): the limit a decode step is compared with. */
    public double read() {
        return Double.isNaN(decodeThreadsRead) ? libtorchRead : Math.max(libtorchRead, decodeThreadsRead);
    }

    public static MemoryBandwidth measure() {
        int threads = VectorSupport.available() ? StreamingRead.threads() : Runtime.getRuntime().availableProcessors();
        double libtorch;
        double copy;
        double java;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray source = manager.ones(new Shape(BYTES / Float.BYTES));
            NDArray target = manager.zeros(new Shape(BYTES / Float.BYTES));
            libtorch = best(6, () -> source.sum().close(), BYTES);
            NDIndex all = new NDIndex(":");
            copy = best(6, () -> target.set(all, source), 2 * BYTES);
            java = decodeThreadsRead(source, 6);
            source.close();
            target.close();
        }
        // DJL backs an array it creates from Java with a direct buffer that only a collection frees:
        // without one, the yardstick's 1 GiB stays resident and inflates every peak RSS measured after it
        System.gc();
        return new MemoryBandwidth(libtorch, java, copy, sysbench(threads), threads);
    }

    /**
     * The in-process read alone (libtorch's and the decode threads', the better), on a fresh 1 GiB
     * array freed before returning: the yardstick a benchmark reads right before each timed round,
     * since on a shared machine the bandwidth drifts between minutes (seen here: 46 to 82 GB/s).
     */
    public static double readNow() {
        double read;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray source = manager.ones(new Shape(BYTES / Float.BYTES));
            read = best(4, () -> source.sum().close(), BYTES);
            double java = decodeThreadsRead(source, 4);
            read = Double.isNaN(java) ? read : Math.max(read, java);
            source.close();
        }
        System.gc(); // see measure()
        return read;
    }

    /** The decode threads' own read of {@code source}'s memory, or NaN without the vector API. */
    private static double decodeThreadsRead(NDArray source, int repeats) {
        if (!VectorSupport.available()) {
            return Double.NaN;
        }
        ByteBuffer view = source.toByteBuffer(true);
        return view.isDirect() && view.capacity() == BYTES ? StreamingRead.bytesPerSecond(view, repeats) : Double.NaN;
    }

    private static double best(int repeats, Runnable work, long bytes) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return bytes / best;
    }

    /** {@code sysbench memory} reading 32 GiB in 1 GiB blocks, one per thread, on {@code threads} threads, or empty without sysbench. */
    static OptionalDouble sysbench(int threads) {
        List<String> command = List.of("sysbench", "memory", "--threads=" + threads, "--memory-block-size=1G",
                "--memory-total-size=32G", "--memory-oper=read", "--memory-scope=local", "run");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return OptionalDouble.empty();
            }
            return parseSysbench(output);
        } catch (IOException e) {
            return OptionalDouble.empty(); // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    /** Bytes/s from sysbench's "32768.00 MiB transferred (21799.16 MiB/sec)" line. */
    static OptionalDouble parseSysbench(String output) {
        Matcher m = SYSBENCH_RATE.matcher(output);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1)) * (1 << 20)) : OptionalDouble.empty();
    }

    /** One line for a benchmark's header. */
    public String describe() {
        return String.format(Locale.ROOT, "memory read %.1f GB/s (libtorch sum %.1f, decode threads %s; %d threads, 1 GiB), "
                        + "copy %.1f GB/s; cross-check: sysbench memory read %s",
                read() / 1e9, libtorchRead / 1e9,
                Double.isNaN(decodeThreadsRead) ? "- (no vector API in this JVM)" : String.format(Locale.ROOT, "%.1f", decodeThreadsRead / 1e9),
                threads, copy / 1e9,
                sysbenchRead.isPresent() ? String.format(Locale.ROOT, "%.1f GB/s (ours / sysbench %.2f)", sysbenchRead.getAsDouble() / 1e9,
                        read() / sysbenchRead.getAsDouble()) : "- (sysbench not installed)");
    }
}
