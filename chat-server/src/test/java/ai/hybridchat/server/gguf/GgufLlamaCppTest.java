package ai.hybridchat.server.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.server.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code platform export-gguf} checked by llama.cpp itself (node-llama-cpp's prebuilt build,
 * installed by {@code .ci/llama-cpp}): the bundled demo model exported as F32, F16, Q8_0 and Q4_0
 * loads in llama.cpp, llama.cpp's tokenizer (read from the file's {@code tokenizer.ggml.*} keys)
 * splits a text into the ids ours does, and llama.cpp's greedy continuation equals the platform's,
 * which reads the same file back ({@code --model FILE.gguf}). For F32 it equals the platform's
 * continuation from the original folder too.
 */
class GgufLlamaCppTest {
    static final Path LLAMA_CPP = Path.of("../.ci/artifacts/llama-cpp/node_modules");
    static final Path SCRIPT = Path.of("src/test/resources/ai/hybridchat/server/gguf/llama_cpp_greedy.mjs");
    static final String TEXT = "The package manager installs the <|user|> packages.";
    static final String PROMPT_IDS = "417,401,2590";
    static final int TOKENS = 24;

    @TempDir
    static Path dir;
    static Path runner;

    @BeforeAll
    static void findLlamaCpp() throws Exception {
        boolean present = Files.isRegularFile(LLAMA_CPP.resolve("node-llama-cpp/package.json"));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("node-llama-cpp is missing in " + LLAMA_CPP + ": run .ci/llama-cpp");
        }
        assumeTrue(present, "node-llama-cpp is not installed (run .ci/llama-cpp)");
        // an ES module resolves packages from its own folder: the script runs beside a link to the install
        runner = dir.resolve("runner");
        Files.createDirectories(runner);
        Files.createSymbolicLink(runner.resolve("node_modules"), LLAMA_CPP.toAbsolutePath());
        Files.copy(SCRIPT, runner.resolve("greedy.mjs"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32", "f16", "q8_0", "q4_0"})
    void llamaCppLoadsTheExportAndContinuesAsThePlatformDoes(String type) throws Exception {
        Path file = dir.resolve("demo-" + type + ".gguf");
        Cli.Result export = Cli.run("export-gguf", "--model", DemoModel.folder().toString(), "--out", file.toString(), "--type", type);
        assertEquals(0, export.code(), export.toString());

        JsonNode llama = llamaCpp(file);
        try (TextTokenizer ours = TextTokenizer.load(DemoModel.folder())) {
            List<Long> expected = new ArrayList<>();
            for (long id : ours.encodeLiteral(TEXT)) {
                expected.add(id);
            }
            assertEquals(expected, ids(llama.path("tokenized")),
                    "llama.cpp's tokenizer from the file splits the text as ours (a control-token string stays text)");
        }

        List<Long> fromFile = platformGreedy(file.toString());
        assertEquals(ids(llama.path("generated")), fromFile, type + ": llama.cpp and the platform reading the same file");
        if (type.equals("f32")) {
            assertEquals(fromFile, platformGreedy(DemoModel.folder().toString()), "the F32 file is the model as it was");
        }
    }

    private static JsonNode llamaCpp(Path file) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", runner.resolve("greedy.mjs").toString(), file.toAbsolutePath().toString(),
                TEXT, PROMPT_IDS, "" + TOKENS);
        Path out = Files.createTempFile(dir, "llama", ".out");
        Path err = Files.createTempFile(dir, "llama", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "llama.cpp finished");
        assertEquals(0, p.exitValue(), "llama.cpp: " + Files.readString(err, StandardCharsets.UTF_8));
        String[] lines = Files.readString(out, StandardCharsets.UTF_8).strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static List<Long> platformGreedy(String model) throws Exception {
        Cli.Result r = Cli.run("generate", "--model", model, "--token-ids", PROMPT_IDS, "--max-new-tokens", "" + TOKENS, "--output", "ids");
        assertEquals(0, r.code(), r.toString());
        return ids(new ObjectMapper().readTree(r.out()));
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asLong()));
        return ids;
    }
}
