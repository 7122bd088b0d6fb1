package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What earlier runs of ONNX Runtime left in a temp folder goes; what a running one uses stays. */
class StaleNativeCopiesTest {
    @TempDir
    Path tmp;

    @Test
    void emptyAndOldCopiesGoFreshOnesAndOtherFoldersStay() throws Exception {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        Path empty = Files.createDirectory(tmp.resolve("onnxruntime-java111"));
        Path killed = Files.createDirectory(tmp.resolve("onnxruntime-java222"));
        Files.write(killed.resolve("libonnxruntime.so"), new byte[1024]);
        Files.setLastModifiedTime(killed, FileTime.from(now.minus(Duration.ofHours(3))));
        Path running = Files.createDirectory(tmp.resolve("onnxruntime-java333"));
        Files.write(running.resolve("libonnxruntime.so"), new byte[1024]);
        Files.setLastModifiedTime(running, FileTime.from(now.minus(Duration.ofSeconds(30))));
        Path other = Files.createDirectory(tmp.resolve("something-else"));

        assertEquals(2, StaleNativeCopies.removeIn(tmp, now));
        assertFalse(Files.exists(empty));
        assertFalse(Files.exists(killed));
        assertTrue(Files.exists(running.resolve("libonnxruntime.so")), "a copy a starting process may be loading stays");
        assertTrue(Files.exists(other));
    }
}
