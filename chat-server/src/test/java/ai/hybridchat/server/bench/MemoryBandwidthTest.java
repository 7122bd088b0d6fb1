package ai.hybridchat.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MemoryBandwidthTest {
    /** What sysbench 1.0.20 (Debian 12) printed for the yardstick's command on this project's machine. */
    private static final String OUTPUT = """
            Running memory speed test with the following options:
              block size: 1048576KiB
              total size: 32768MiB
              operation: read
              scope: global

            Initializing worker threads...

            Threads started!

            Total operations: 32 (   39.83 per second)

            32768.00 MiB transferred (40789.61 MiB/sec)


            General statistics:
                total time:                          0.8002s
            """;

    @Test
    void readsTheRateFromSysbenchsSummaryLine() {
        OptionalDouble rate = MemoryBandwidth.parseSysbench(OUTPUT);
        assertTrue(rate.isPresent());
        assertEquals(40789.61 * 1024 * 1024, rate.getAsDouble(), 1.0);
    }

    @Test
    void anOutputWithoutTheLineGivesNothingRatherThanAWrongFigure() {
        assertTrue(MemoryBandwidth.parseSysbench("FATAL: invalid option --memory-block-size").isEmpty());
        assertTrue(MemoryBandwidth.parseSysbench("Total operations: 32 (   39.83 per second)").isEmpty());
    }

    @Test
    void theLimitIsTheBestInProcessReadAndIgnoresAMissingOne() {
        MemoryBandwidth both = new MemoryBandwidth(30e9, 36e9, 40e9, OptionalDouble.of(38e9), 2);
        assertEquals(36e9, both.read());
        MemoryBandwidth libtorchOnly = new MemoryBandwidth(30e9, Double.NaN, 40e9, OptionalDouble.empty(), 2);
        assertEquals(30e9, libtorchOnly.read());
        assertTrue(libtorchOnly.describe().contains("sysbench not installed"), libtorchOnly.describe());
    }
}
