package ai.hybridchat.server.cli;

import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.TinyModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** generate, score and merge on a real (tiny) model made by pretrain, with a real PEFT adapter. */
class ModelCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    static JsonNode json(Cli.Result r) throws IOException {
        return JSON.readTree(r.out());
    }

    @Test
    void pretrainWroteAHuggingFaceFolder() {
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json"}) {
            assertTrue(Files.isRegularFile(TinyModel.model().resolve(file)), file);
        }
        assertTrue(Files.isRegularFile(TinyModel.adapter().resolve("adapter_config.json")));
    }

    @Test
    void idsOutputIsAJsonArrayOfNewTokenIdsAndNothingElse() {
        Cli.Result r = ok("generate", "--model", TinyModel.model().toString(), "--prompt", "Who designed the Wren lamp?",
                "--max-new-tokens", "6", "--output", "ids");
        assertTrue(r.out().matches("\\[(\\d+(,\\d+){0,5})?]\\R"), r.out());
        Cli.Result again = ok("generate", "--model", TinyModel.model().toString(), "--prompt", "Who designed the Wren lamp?",
                "--max-new-tokens", "6", "--output", "ids");
        assertEquals(r.out(), again.out(), "greedy decoding is deterministic");
    }

    @Test
    void tokenIdPromptsAndJsonOutput() throws IOException {
        JsonNode body = json(ok("generate", "--model", TinyModel.model().toString(), "--token-ids", "40,41,42",
                "--max-new-tokens", "4", "--temperature", "0.8", "--top-k", "20", "--top-p", "0.9", "--seed", "3", "--output", "json"));
        assertEquals(3, body.path("promptTokens").asInt());
        assertTrue(body.path("tokenIds").size() <= 4);
        assertEquals(body.path("tokenIds").size(), body.path("newTokens").asInt());
        assertTrue(body.path("text").isTextual());
        assertEquals("model", body.path("model").asText());
        assertTrue(body.path("adapter").isNull());
        assertTrue(Cli.run("generate", "--model", TinyModel.model().toString(), "--token-ids", "999999").err()
                .contains("outside the vocabulary"));
    }

    @Test
    void rawPromptsSkipTheChatTemplate() throws IOException {
        JsonNode templated = json(ok("generate", "--model", TinyModel.model().toString(), "--prompt", "glass",
                "--max-new-tokens", "1", "--output", "json"));
        JsonNode raw = json(ok("generate", "--model", TinyModel.model().toString(), "--prompt", "glass", "--raw",
                "--max-new-tokens", "1", "--output", "json"));
        assertTrue(raw.path("promptTokens").asInt() < templated.path("promptTokens").asInt());
    }

    @Test
    void textOutputPrintsTheContinuation() {
        Cli.Result r = ok("generate", "--model", TinyModel.model().toString(), "--adapter", TinyModel.adapter().toString(),
                "--prompt", "Who is the chair of the board?", "--max-new-tokens", "5");
        assertTrue(r.out().endsWith("\n"));
    }

    @Test
    void scoreGivesEveryTokenButTheFirstALogProbability() throws IOException {
        JsonNode body = json(ok("score", "--model", TinyModel.model().toString(), "--text", "The Wren lamp costs 145 euros."));
        JsonNode tokens = body.path("tokens");
        assertTrue(tokens.size() > 3);
        assertTrue(tokens.get(0).path("logprob").isNull());
        double sum = 0;
        for (int i = 1; i < tokens.size(); i++) {
            double lp = tokens.get(i).path("logprob").asDouble();
            assertTrue(lp <= 0 && lp > -50, "log-probability " + lp);
            sum += lp;
        }
        assertEquals(sum, body.path("sumLogprob").asDouble(), 1e-4);
        assertEquals(Math.exp(-sum / (tokens.size() - 1)), body.path("perplexity").asDouble(), 1e-3);
    }

    @Test
    void scoreNeedsTwoTokens() {
        Cli.Result r = Cli.run("score", "--model", TinyModel.model().toString(), "--token-ids", "5");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("at least 2 tokens"), r.err());
    }

    @Test
    void loraTuningWritesAnAdapterTheOtherCommandsLoad() throws IOException {
        Path data = Files.writeString(dir.resolve("train.jsonl"), """
                {"prompt": "How much does a Wren lamp cost?", "completion": "The standard Wren lamp costs 145 euros."}
                {"messages": [{"role": "user", "content": "Who is the chair of the board?"}, {"role": "assistant", "content": "Tobias Wrenfield."}]}
                """);
        Path adapter = dir.resolve("lora");
        Cli.Result r = ok("tune", "--method", "lora", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--out", adapter.toString(), "--steps", "2", "--batch", "2", "--max-length", "128", "--rank", "2");
        assertTrue(r.out().startsWith("wrote " + adapter + ": lora on 2 examples"), r.out());
        assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
        ok("generate", "--model", TinyModel.model().toString(), "--adapter", adapter.toString(), "--prompt", "Who?",
                "--max-new-tokens", "2", "--output", "ids");
    }

    @Test
    void dpoTuningWritesAnAdapterAndReportsTheRewardAccuracy() throws IOException {
        Path data = Files.writeString(dir.resolve("prefs.jsonl"), """
                {"prompt": "How much does a Wren lamp cost?", "chosen": "It costs 145 euros.", "rejected": "I do not know."}
                {"prompt": "Who is the chair of the board?", "chosen": "Tobias Wrenfield.", "rejected": "I do not know."}
                """);
        Path adapter = dir.resolve("dpo");
        Cli.Result r = ok("tune", "--method", "dpo", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--out", adapter.toString(), "--steps", "3", "--batch", "2", "--max-length", "128", "--rank", "2", "--beta", "0.2");
        assertTrue(r.out().startsWith("wrote " + adapter + ": dpo on 2 examples"), r.out());
        assertTrue(r.out().contains("training reward accuracy"), r.out());
        assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
        Cli.Result badBeta = Cli.run("tune", "--method", "dpo", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--out", dir.resolve("x").toString(), "--beta", "0");
        assertEquals(1, badBeta.code(), badBeta.toString());
        assertTrue(badBeta.err().contains("--beta must be a positive number"), badBeta.err());
    }

    @Test
    void jsonProgressIsOneEventPerLineEndingInDone() throws IOException {
        Path data = Files.writeString(dir.resolve("train.jsonl"), """
                {"prompt": "How much does a Wren lamp cost?", "completion": "The standard Wren lamp costs 145 euros."}
                {"prompt": "Who is the chair of the board?", "completion": "Tobias Wrenfield."}
                """);
        Cli.Result r = ok("tune", "--method", "lora", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--val", data.toString(), "--out", dir.resolve("lora").toString(), "--steps", "4", "--batch", "2",
                "--max-length", "128", "--rank", "2", "--eval-every", "2", "--progress", "json");
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            events.add(JSON.readTree(line)); // every line parses: nothing but JSON on stdout
        }
        assertEquals(4, events.stream().filter(e -> e.path("event").asText().equals("step")).count(), r.out());
        assertEquals(2, events.stream().filter(e -> e.path("event").asText().equals("validation")).count(), r.out());
        JsonNode step = events.stream().filter(e -> e.path("event").asText().equals("step")).findFirst().orElseThrow();
        assertEquals(4, step.path("total_steps").asInt());
        assertTrue(step.path("loss").asDouble() > 0 && step.has("tokens_per_second") && step.has("eta_seconds"), step.toString());
        JsonNode done = events.get(events.size() - 1);
        assertEquals("done", done.path("event").asText(), r.out());
        assertEquals(4, done.path("steps").asInt());
        assertTrue(done.path("validation_loss").isNumber(), done.toString());
    }

    @Test
    void earlyStoppingEndsTheRunWhenValidationStopsImproving() throws IOException {
        Path data = Files.writeString(dir.resolve("train.jsonl"), """
                {"prompt": "How much does a Wren lamp cost?", "completion": "The standard Wren lamp costs 145 euros."}
                {"prompt": "Who is the chair of the board?", "completion": "Tobias Wrenfield."}
                """);
        // validation on unrelated text while a very high learning rate overfits the training pairs
        Path val = Files.writeString(dir.resolve("val.jsonl"), """
                {"prompt": "Name a colour of the sea at night.", "completion": "Dark green, nearly black, with silver lines."}
                """);
        Cli.Result r = ok("tune", "--method", "full", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--val", val.toString(), "--out", dir.resolve("full").toString(), "--steps", "60", "--batch", "2",
                "--max-length", "128", "--lr", "0.05", "--warmup", "0", "--eval-every", "1", "--early-stopping", "2");
        assertTrue(r.out().contains("stopped early"), r.toString());
        JsonNode meta = JSON.readTree(dir.resolve("full").resolve("training.json").toFile());
        assertTrue(meta.path("metrics").path("stopped_early").asBoolean(), meta.toString());
        assertTrue(meta.path("hyperparameters").path("steps").asInt() == 60, meta.toString());
        Cli.Result noVal = Cli.run("tune", "--method", "lora", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--out", dir.resolve("x").toString(), "--early-stopping", "2");
        assertEquals(1, noVal.code(), noVal.toString());
        assertTrue(noVal.err().contains("--val"), noVal.err());
    }

    @Test
    void unknownTuningMethodsAndPpoWithoutARewardModelFailInOneLine() throws IOException {
        Path data = Files.writeString(dir.resolve("train.jsonl"), "{\"prompt\": \"q\", \"completion\": \"a\"}\n");
        Cli.Result r = Cli.run("tune", "--method", "grpo", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--out", dir.resolve("x").toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("unknown or not yet available tuning method 'grpo'"), r.err());
        Cli.Result ppo = Cli.run("tune", "--method", "ppo", "--base", TinyModel.model().toString(), "--data", data.toString(),
                "--out", dir.resolve("y").toString());
        assertEquals(1, ppo.code(), ppo.toString());
        assertEquals(1, ppo.err().strip().lines().count(), ppo.toString());
        assertTrue(ppo.err().contains("ppo needs --reward-model DIR"), ppo.err());
    }

    @Test
    void mergedModelScoresAsTheBaseWithTheAdapter() throws IOException {
        Path merged = dir.resolve("merged");
        ok("merge", "--base", TinyModel.model().toString(), "--adapter", TinyModel.adapter().toString(), "--out", merged.toString());
        assertTrue(Files.isRegularFile(merged.resolve("tokenizer.json")));
        String ids = "40,41,42,43,44,45,46,47";
        double base = json(ok("score", "--model", TinyModel.model().toString(), "--token-ids", ids)).path("sumLogprob").asDouble();
        double adapted = json(ok("score", "--model", TinyModel.model().toString(), "--adapter", TinyModel.adapter().toString(),
                "--token-ids", ids)).path("sumLogprob").asDouble();
        double mergedScore = json(ok("score", "--model", merged.toString(), "--token-ids", ids)).path("sumLogprob").asDouble();
        assertNotEquals(base, adapted, 1e-3, "the adapter changes the model");
        assertEquals(adapted, mergedScore, 1e-3, "merging keeps what the adapter does");
    }

    @Test
    void tokenIdsInAndOutNeedNoTokenizer(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path bare = Files.createDirectories(dir.resolve("bare"));
        try (var files = Files.list(TinyModel.model())) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("tokenizer")) {
                    Files.copy(f, bare.resolve(f.getFileName()));
                }
            }
        }
        String withTokenizer = ok("generate", "--model", TinyModel.model().toString(), "--token-ids", "40,41,42",
                "--max-new-tokens", "5", "--output", "ids").out();
        assertEquals(withTokenizer, ok("generate", "--model", bare.toString(), "--token-ids", "40,41,42",
                "--max-new-tokens", "5", "--output", "ids").out(), "the same ids without tokenizer.json");
        assertTrue(json(ok("score", "--model", bare.toString(), "--token-ids", "40,41,42")).path("tokens").get(1)
                .path("logprob").isNumber());
        Cli.Result text = Cli.run("generate", "--model", bare.toString(), "--prompt", "glass");
        assertTrue(text.code() != 0 && text.err().contains("no tokenizer.json"), text.toString());
    }
}
