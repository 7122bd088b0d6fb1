package ai.hybridchat.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.DemoDocs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rag-data} and {@code reading-exercises}: the commands that make the demo model's tuning data. */
class TrainingDataCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void ragDataPairsEachQuestionWithRetrievedPassagesAndOnceWithout() throws Exception {
        Path docs = DemoDocs.copyTo(dir.resolve("docs"));
        Path qa = dir.resolve("qa.jsonl");
        Files.writeString(qa, """
                {"question": "How much does a Wren lamp cost?", "answer": "The standard Wren lamp costs 145 euros.", "doc_id": "wren-lamp"}
                """);
        Path out = dir.resolve("sft.jsonl");
        Cli.Result r = Cli.run("rag-data", "--qa", qa.toString(), "--docs", docs.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode withContext = JSON.readTree(lines.get(0)).get("messages");
        String user = withContext.get(0).get("content").asText();
        assertTrue(user.startsWith("Context:\n[1]\n"), user);
        assertTrue(user.contains("145 euros"), "the passage with the answer is in the context: " + user);
        assertTrue(user.endsWith("Question: How much does a Wren lamp cost?"), user);
        assertEquals("The standard Wren lamp costs 145 euros.", withContext.get(1).get("content").asText());
        JsonNode without = JSON.readTree(lines.get(1)).get("messages");
        assertEquals("Question: How much does a Wren lamp cost?", without.get(0).get("content").asText());
    }

    @Test
    void readingExercisesAskAboutASentenceOfTheirPassages() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("The package manager number ").append(i).append(" installs software from the network quickly. ")
                    .append("Each archive mirror ").append(i).append(" keeps copies of every package.\n\n");
        }
        Files.writeString(corpus, text);
        Path out = dir.resolve("reading.jsonl");
        Cli.Result r = Cli.run("reading-exercises", "--corpus", corpus.toString(), "--out", out.toString(), "--count", "5");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(5, lines.size());
        for (String line : lines) {
            JsonNode messages = JSON.readTree(line).get("messages");
            String user = messages.get(0).get("content").asText();
            String answer = messages.get(1).get("content").asText();
            assertTrue(user.contains(answer), "the answer is a sentence of the context: " + line);
            assertTrue(user.contains("Question: "), line);
            String question = user.substring(user.indexOf("Question: ")).toLowerCase(java.util.Locale.ROOT);
            String[] words = answer.toLowerCase(java.util.Locale.ROOT).split(" ");
            assertTrue(question.contains(words[0] + " " + words[1]),
                    "the question names the opening words the answer restates: " + line);
        }
    }

    @Test
    void missingInputsAreOneLineErrors() {
        Cli.Result r = Cli.run("rag-data", "--qa", dir.resolve("nope.jsonl").toString(), "--docs", dir.toString(),
                "--out", dir.resolve("o.jsonl").toString());
        assertTrue(r.code() != 0, r.toString());
        assertTrue(r.err().contains("nope.jsonl"), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
    }
}
