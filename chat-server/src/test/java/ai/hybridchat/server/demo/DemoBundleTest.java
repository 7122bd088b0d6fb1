package ai.hybridchat.server.demo;

import ai.hybridchat.core.io.ClasspathFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoBundleTest {
    @TempDir
    Path dir;

    @Test
    void docsAreCopiedOnceAndOnlyIntoAnEmptyFolder() throws IOException {
        Path docs = dir.resolve("docs");
        assertEquals(19, DemoBundle.copyDocsIfEmpty(docs));
        assertTrue(Files.readString(docs.resolve("wren-lamp.md")).startsWith("# The Wren Lamp"));
        assertEquals(0, DemoBundle.copyDocsIfEmpty(docs));
        try (var files = Files.list(docs)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".part")));
        }

        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.md"), "# Notes\n");
        assertEquals(0, DemoBundle.copyDocsIfEmpty(mine), "a folder with the user's documents is left alone");
    }

    @Test
    void aChangedFileIsCopiedAgain() throws IOException {
        Path docs = dir.resolve("docs");
        new ClasspathFolder("demo/docs").copyTo(docs);
        Files.writeString(docs.resolve("history.md"), "truncated");
        String original = Files.readString(docs.resolve("leadership.md"));
        Files.writeString(docs.resolve("leadership.md"), original.replace('a', 'e')); // same size, other content
        assertEquals(2, new ClasspathFolder("demo/docs").copyTo(docs));
        assertEquals(original, Files.readString(docs.resolve("leadership.md")));
        assertEquals(0, new ClasspathFolder("demo/docs").copyTo(docs));
    }

    @Test
    void sampleQuestionsAreBundled() {
        assertEquals("How much does a Wren lamp cost?", DemoBundle.sampleQuestions().get(0));
    }

    @Test
    void aMissingFolderIsReported() {
        assertFalse(new ClasspathFolder("demo/nothing-here").exists());
        assertTrue(new ClasspathFolder("demo/docs").exists());
    }
}
