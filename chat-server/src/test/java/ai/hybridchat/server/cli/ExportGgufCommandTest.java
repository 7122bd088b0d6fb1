package ai.hybridchat.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.demo.DemoBundle;
import ai.hybridchat.server.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportGgufCommandTest {
    @TempDir
    Path dir;

    @Test
    void anAdapterIsMergedIntoTheFileAndTheFileAnswersAsModelPlusAdapter() {
        Path model = DemoBundle.extractModel(dir);
        Path adapter = DemoBundle.extractAdapter(dir);
        Path file = dir.resolve("tuned.gguf");
        Cli.Result export = Cli.run("export-gguf", "--model", model.toString(), "--adapter", adapter.toString(), "--out", file.toString(),
                "--type", "f32");
        assertEquals(0, export.code(), export.toString());
        assertTrue(export.out().contains("wrote " + file), export.out());
        assertFalse(Files.exists(dir.resolve("tuned.gguf.partial")), "the file is written under another name, then moved");

        String[] ids = {"--token-ids", "6,400,16,7,9", "--max-new-tokens", "16", "--output", "ids"};
        Cli.Result fromFile = Cli.run(concat(new String[] {"generate", "--model", file.toString()}, ids));
        Cli.Result withAdapter = Cli.run(concat(new String[] {"generate", "--model", model.toString(), "--adapter", adapter.toString()}, ids));
        Cli.Result base = Cli.run(concat(new String[] {"generate", "--model", model.toString()}, ids));
        assertEquals(withAdapter.out(), fromFile.out(), "merged weights decode as base + adapter");
        assertNotEquals(base.out(), fromFile.out(), "and the adapter made a difference");
    }

    @Test
    void mistakesAreOneLineErrors() {
        Path model = DemoBundle.extractModel(dir);
        Cli.Result type = Cli.run("export-gguf", "--model", model.toString(), "--out", dir.resolve("x.gguf").toString(), "--type", "q5_k");
        assertEquals(2, type.code());
        assertTrue(type.err().contains("unknown GGUF type 'q5_k' (choose f32, f16, q8_0 or q4_0)"), type.err());
        Cli.Result missing = Cli.run("export-gguf", "--model", dir.resolve("nope").toString(), "--out", dir.resolve("x.gguf").toString());
        assertTrue(missing.code() != 0 && missing.err().contains("no such folder"), missing.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
