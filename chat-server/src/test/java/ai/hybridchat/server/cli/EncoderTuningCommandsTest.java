package ai.hybridchat.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.ClasspathFolder;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.DemoDocs;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune --method embedding} from the documents alone, then {@code index} and {@code search}
 * with the tuned folder: the index remembers its model and says so when searched with another.
 * A tiny random encoder keeps it fast; the pretrained one is measured by {@code bench embedding-tuning}.
 */
class EncoderTuningCommandsTest {
    @TempDir
    Path dir;

    @Test
    void anEmbeddingModelTunedOnTheDocumentsIndexesAndSearchesThem() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 11);
        Path docs = DemoDocs.copyTo(dir.resolve("docs"));
        Path tuned = dir.resolve("tuned");
        Cli.Result tune = Cli.run("tune", "--method", "embedding", "--base", base.toString(), "--docs", docs.toString(),
                "--out", tuned.toString(), "--steps", "4", "--batch", "8", "--progress", "json");
        assertEquals(0, tune.code(), tune.toString());
        assertTrue(tune.err().contains("pseudo-queries (inverse cloze)"), tune.err());
        JsonNode meta = Json.MAPPER.readTree(tuned.resolve("training.json").toFile());
        assertEquals("embedding", meta.get("method").asText());
        assertTrue(meta.get("examples").asInt() >= 19, "a pseudo-query per chunk of two sentences or more: " + meta);

        Path index = dir.resolve("index");
        Cli.Result indexed = Cli.run("index", "--docs", docs.toString(), "--index", index.toString(),
                "--embedding-model", tuned.toString());
        assertEquals(0, indexed.code(), indexed.toString());
        Cli.Result found = Cli.run("search", "--index", index.toString(), "--embedding-model", tuned.toString(), "--json",
                "Who designed the Wren lamp?");
        assertEquals(0, found.code(), found.toString());
        assertTrue(Json.MAPPER.readTree(found.out()).get("results").size() > 0, found.out());

        Cli.Result other = Cli.run("search", "--index", index.toString(), "Who designed the Wren lamp?");
        assertEquals(1, other.code(), other.toString());
        assertTrue(other.err().contains("another model") && other.err().contains("--embedding-model"), other.err());
        Cli.Result add = Cli.run("index", "--docs", docs.toString(), "--index", index.toString());
        assertTrue(add.code() != 0 && add.err().contains("--embedding-model"), add.toString());
    }

    @Test
    void aRerankerTunedOnQuestionsAndDocumentsReordersSearchResults() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 13);
        Path docs = DemoDocs.copyTo(dir.resolve("docs"));
        Path qa = dir.resolve("qa.jsonl");
        new ClasspathFolder("demo/qa").copyTo(dir.resolve("qa"));
        Files.writeString(qa, String.join("\n", Files.readAllLines(dir.resolve("qa/train.jsonl")).subList(0, 24)) + "\n");
        Path reranker = dir.resolve("reranker");
        Cli.Result tune = Cli.run("tune", "--method", "reranker", "--base", base.toString(), "--docs", docs.toString(),
                "--data", qa.toString(), "--out", reranker.toString(), "--steps", "3", "--batch", "4");
        assertEquals(0, tune.code(), tune.toString());
        assertTrue(tune.err().contains("questions with their answer's chunk"), tune.err());
        JsonNode config = Json.MAPPER.readTree(reranker.resolve("config.json").toFile());
        assertEquals(1, config.get("id2label").size());

        Path index = dir.resolve("index");
        assertEquals(0, Cli.run("index", "--docs", docs.toString(), "--index", index.toString()).code());
        Cli.Result plain = Cli.run("search", "--index", index.toString(), "--mode", "bm25", "--k", "5", "--json", "Who designed the Wren lamp?");
        Cli.Result reranked = Cli.run("search", "--index", index.toString(), "--mode", "bm25", "--k", "5", "--json",
                "--reranker", reranker.toString(), "Who designed the Wren lamp?");
        assertEquals(0, reranked.code(), reranked.toString());
        JsonNode a = Json.MAPPER.readTree(plain.out()).get("results");
        JsonNode b = Json.MAPPER.readTree(reranked.out()).get("results");
        assertEquals(5, b.size());
        for (int i = 1; i < b.size(); i++) {
            assertTrue(b.get(i - 1).get("score").asDouble() >= b.get(i).get("score").asDouble(), "ordered by the reranker's score");
        }
        assertTrue(a.get(0).get("score").asDouble() != b.get(0).get("score").asDouble(), "the reranker's scores replace BM25's");
    }

    @Test
    void theEmbeddingMethodTakesABundledEncoderByNameAndRefusesAnUnknownOne() throws Exception {
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, "{\"query\": \"q\", \"positive\": \"p\"}\n");
        Cli.Result r = Cli.run("tune", "--method", "embedding", "--base", "no-such-encoder", "--data", pairs.toString(),
                "--out", dir.resolve("out").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("--base") && r.err().contains("no-such-encoder"), r.err());
        Cli.Result noData = Cli.run("tune", "--method", "lora", "--base", dir.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, noData.code(), noData.toString());
        assertTrue(noData.err().contains("--data is required"), noData.err());
    }

    @Test
    void aClassifierTunesInFullOrWithLoraFromTheCommandLine() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 17);
        StringBuilder sb = new StringBuilder();
        for (String w : new String[] {"disk", "file", "backup", "folder"}) {
            sb.append("{\"text\":\"The ").append(w).append(" is full.\",\"label\":\"storage\"}\n");
        }
        for (String w : new String[] {"router", "packet", "socket", "cable"}) {
            sb.append("{\"text\":\"The ").append(w).append(" is down.\",\"label\":\"network\"}\n");
        }
        Path data = dir.resolve("labels.jsonl");
        Files.writeString(data, sb);
        Cli.Result full = Cli.run("tune", "--method", "classifier", "--base", base.toString(), "--data", data.toString(),
                "--out", dir.resolve("full").toString(), "--steps", "3");
        assertEquals(0, full.code(), full.toString());
        assertTrue(Files.isRegularFile(dir.resolve("full/model.safetensors")));
        Cli.Result lora = Cli.run("tune", "--method", "classifier-lora", "--base", base.toString(), "--data", data.toString(),
                "--out", dir.resolve("lora").toString(), "--steps", "3");
        assertEquals(0, lora.code(), lora.toString());
        assertEquals("SEQ_CLS", Json.MAPPER.readTree(dir.resolve("lora/adapter_config.json").toFile()).path("task_type").asText());
    }
}
