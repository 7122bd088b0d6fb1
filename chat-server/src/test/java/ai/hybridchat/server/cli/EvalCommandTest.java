package ai.hybridchat.server.cli;

import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.TinyModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code platform eval} on the tiny model: the report's shape, not the (babbling) model's quality. */
class EvalCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAJsonAndMarkdownReportForEachMode() throws IOException {
        DemoDocs.copyTo(dir.resolve("data/docs"));
        Path config = Files.writeString(dir.resolve("platform.yaml"), "dataDir: data\nmodelDir: " + TinyModel.model()
                + "\nadapterDir: " + TinyModel.adapter() + "\nmaxNewTokens: 4\n");
        Path qa = Files.writeString(dir.resolve("qa.jsonl"), """
                {"question": "How much does a Wren lamp cost?", "answer": "The standard Wren lamp costs 145 euros.", "doc_id": "wren-lamp", "fact": "145 euros"}

                {"question": "Who is the chair of the board?", "answer": "Tobias Wrenfield.", "doc_ids": ["leadership"]}
                """);
        Cli.Result r = Cli.run("eval", "--qa", qa.toString(), "--config", config.toString(), "--report", dir.resolve("report").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("| mode | questions |"), r.out());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report/report.json").toFile());
        assertEquals(3, report.path("summary").size());
        assertEquals(6, report.path("answers").size());
        assertEquals("hybrid", report.path("summary").get(2).path("mode").asText());
        assertTrue(report.path("summary").get(0).path("citationHitRate").isNumber());
        assertTrue(report.path("summary").get(1).path("citationHitRate").isNull(), "tuned cites nothing");
        assertTrue(Files.readString(dir.resolve("report/report.md")).contains("| rag | 2 |"));
    }

    @Test
    void badInputIsOneLine() throws IOException {
        Cli.Result missing = Cli.run("eval", "--qa", dir.resolve("none.jsonl").toString(), "--report", dir.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("--qa: no such file"), missing.err());
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"question\": \"q\"}\n");
        Cli.Result noAnswer = Cli.run("eval", "--qa", bad.toString(), "--report", dir.toString());
        assertTrue(noAnswer.err().contains("bad.jsonl:1: needs \"question\" and \"answer\""), noAnswer.err());
        Cli.Result badMode = Cli.run("eval", "--qa", bad.toString(), "--report", dir.toString(), "--modes", "rag,fast");
        assertEquals(2, badMode.code());
        assertTrue(badMode.err().contains("unknown mode 'fast'"), badMode.err());
    }
}
