package ai.hybridchat.server.cli;

import ai.hybridchat.server.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad command lines and missing files: one line on stderr naming the problem, a non-zero exit, nothing on stdout. */
class PlatformCliErrorsTest {
    @TempDir
    Path dir;

    static void assertOneLineError(Cli.Result r, int code, String expected) {
        assertEquals(code, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr: " + r);
        assertTrue(err.contains(expected), "stderr names the problem (" + expected + "): " + r);
        assertTrue(!err.contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void noSubCommandIsAUsageError() {
        assertOneLineError(Cli.run(), 2, "missing sub-command");
    }

    @Test
    void unknownSubCommandIsAUsageError() {
        assertOneLineError(Cli.run("fly"), 2, "fly");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertOneLineError(Cli.run("search", "lamp", "--colour", "red"), 2, "--colour");
    }

    @Test
    void badNumberIsAUsageError() {
        assertOneLineError(Cli.run("search", "lamp", "--k", "ten"), 2, "--k");
    }

    @Test
    void badWeightFormatNamesTheValidOnes() {
        assertOneLineError(Cli.run("generate", "--model", ".", "--prompt", "x", "--weights", "q5"), 2,
                "unknown weight format 'q5' (choose f32, int8 or q4)");
    }

    @Test
    void badSearchModeNamesTheValidOnes() {
        assertOneLineError(Cli.run("search", "lamp", "--mode", "fuzzy"), 2, "expected bm25, dense or hybrid");
    }

    @Test
    void searchWithoutAnIndexSaysHowToBuildOne() {
        assertOneLineError(Cli.run("search", "lamp", "--index", dir.resolve("none").toString()), 1, "platform index --docs");
    }

    @Test
    void searchNeedsAQuery() {
        assertOneLineError(Cli.run("search"), 2, "QUERY");
    }

    @Test
    void indexOfMissingDocsFails() {
        assertOneLineError(Cli.run("index", "--docs", dir.resolve("nowhere").toString(), "--index", dir.resolve("i").toString()),
                1, "no such file or folder");
    }

    @Test
    void retrievalEvalOfAMissingFolderFails() {
        assertOneLineError(Cli.run("retrieval-eval", "--beir", dir.resolve("none").toString()), 1, "--beir: no such folder");
    }

    @Test
    void retrievalEvalOfAFolderThatIsNotBeirFails() {
        assertOneLineError(Cli.run("retrieval-eval", "--beir", dir.toString(), "--mode", "bm25"), 1, "corpus.jsonl is missing");
    }

    @Test
    void generateWithAMissingModelFails() {
        assertOneLineError(Cli.run("generate", "--model", dir.resolve("none").toString(), "--prompt", "hi"), 1, "--model: no such folder");
    }

    @Test
    void generateWithAFolderThatIsNotAModelFails() {
        assertOneLineError(Cli.run("generate", "--model", dir.toString(), "--prompt", "hi"), 1, "config.json");
    }

    @Test
    void generateNeedsExactlyOnePrompt() {
        assertOneLineError(Cli.run("generate", "--model", dir.toString()), 2, "--prompt");
        assertOneLineError(Cli.run("generate", "--model", dir.toString(), "--prompt", "hi", "--token-ids", "1,2"), 2, "mutually exclusive");
    }

    @Test
    void badTokenIdsAreAUsageError() {
        assertOneLineError(Cli.run("generate", "--model", dir.toString(), "--token-ids", "1,two,3"), 2, "'two' is not a token id");
    }

    @Test
    void badOutputFormatNamesTheValidOnes() {
        assertOneLineError(Cli.run("generate", "--model", dir.toString(), "--prompt", "hi", "--output", "xml"), 2, "TEXT, IDS, JSON");
    }

    @Test
    void badSamplingSettingsFailBeforeLoadingTheModel() {
        assertOneLineError(Cli.run("generate", "--model", dir.toString(), "--prompt", "hi", "--top-p", "1.5"), 1, "top-p");
        assertOneLineError(Cli.run("generate", "--model", dir.toString(), "--prompt", "hi", "--max-new-tokens", "0"), 1, "max new tokens");
    }

    @Test
    void scoreWithAMissingAdapterFails() {
        assertOneLineError(Cli.run("score", "--model", dir.toString(), "--adapter", dir.resolve("none").toString(), "--text", "hi"),
                1, "--adapter: no such folder");
    }

    @Test
    void mergeWithMissingFoldersFails() {
        assertOneLineError(Cli.run("merge", "--base", dir.resolve("b").toString(), "--adapter", dir.toString(),
                "--out", dir.resolve("o").toString()), 1, "--base: no such folder");
    }

    @Test
    void pretrainWithAMissingCorpusFails() {
        assertOneLineError(Cli.run("pretrain", "--corpus", dir.resolve("none").toString(), "--out", dir.resolve("m").toString()),
                1, "--corpus: no such file or folder");
    }

    @Test
    void serveWithAMissingConfigFails() {
        assertOneLineError(Cli.run("serve", "--config", dir.resolve("platform.yaml").toString()), 1, "config file not found");
    }

    @Test
    void serveWithATypoInTheConfigNamesTheKey() throws IOException {
        Path config = Files.writeString(dir.resolve("platform.yaml"), "port: 7071\nmodeldir: /models/x\n");
        assertOneLineError(Cli.run("serve", "--config", config.toString()), 1, "unknown key 'modeldir'");
    }

    @Test
    void serveWithAMissingModelFolderFails() throws IOException {
        Path config = Files.writeString(dir.resolve("platform.json"),
                "{\"modelDir\": \"no-such-model\", \"dataDir\": \"data\", \"port\": 0}");
        assertOneLineError(Cli.run("serve", "--config", config.toString()), 1, "no-such-model");
    }

    @Test
    void helpGoesToStdoutAndSucceeds() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.code());
        for (String command : new String[] {"serve", "index", "search", "retrieval-eval", "generate", "score", "pretrain", "tune", "merge", "eval"}) {
            assertTrue(r.out().contains(command), command + " is listed: " + r.out());
        }
        assertEquals(0, Cli.run("generate", "--help").code());
    }

    @Test
    void newCommandsAnswerBadInputInOneLine() {
        assertOneLineError(Cli.run("reader-train", "--set", "no-equals-sign", "--out", dir.resolve("s.json").toString()), 1,
                "a set is DOCS=QA");
        assertOneLineError(Cli.run("search", "lamp", "--data-dir", dir.resolve("nowhere").toString()), 1,
                "no documents folder");
        assertOneLineError(Cli.run("tune", "--method", "lora", "--base", dir.toString(), "--data", dir.resolve("none.jsonl").toString(),
                "--docs", dir.toString(), "--out", dir.resolve("o").toString()), 1, "none.jsonl");
    }
}
