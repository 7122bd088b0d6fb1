package ai.hybridchat.tuning.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.tuning.pretrain.Pretrainer;
import ai.hybridchat.tuning.testing.TestCorpus;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainerTest {
    @TempDir Path dir;

    @Test
    void pretrainingWritesALoadableHuggingFaceFolderAndLowersTheLoss() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, (TestCorpus.TEXT + "\n\n").repeat(20));
        Path out = dir.resolve("base");
        var options = new Pretrainer.Options(List.of(corpus), out, 2, 64, 4, 2, 400, 60, 4, 192, 1e-2, 1, 0.25, 0.25, null);
        TrainingLoop.Result result = new Pretrainer(ProgressListener.silent()).run(options);
        // a uniform guess over 400 tokens costs ln(400) = 6.0 nats
        assertTrue(result.finalValidationLoss() < 3.5, "validation loss " + result.finalValidationLoss());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json", "training.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(60, Json.MAPPER.readTree(out.resolve("training.json").toFile()).get("steps").asInt());
        try (LocalLanguageModel model = LocalLanguageModel.load(out)) {
            assertEquals(400, model.model().config().vocabSize);
            var reply = model.chat(List.of(new ChatTemplate.Message("user", "What does a backup do?")),
                    GenerationConfig.greedy(12), null, null);
            assertTrue(reply.tokenIds().length > 0 && !reply.text().isBlank(), "generates text: " + reply.text());
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no staging folder left behind");
        }
    }

    @Test
    void continuedPretrainingKeepsTheTokenizerAndShapeAndTrainsCopying() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, (TestCorpus.TEXT + "\n\n").repeat(20));
        Path base = dir.resolve("base");
        new Pretrainer(ProgressListener.silent()).run(
                new Pretrainer.Options(List.of(corpus), base, 1, 32, 2, 2, 300, 5, 2, 64, 1e-2, 1, 0, 0, null));
        Path more = dir.resolve("more");
        // shape options that differ from the base are ignored: the base's config wins
        TrainingLoop.Result r = new Pretrainer(ProgressListener.silent()).run(
                new Pretrainer.Options(List.of(corpus), more, 3, 64, 4, 4, 999, 5, 4, 64, 1e-2, 1, 0, 0.5, base));
        assertTrue(Double.isFinite(r.finalTrainLoss()));
        assertEquals(Files.readString(base.resolve("tokenizer.json")), Files.readString(more.resolve("tokenizer.json")));
        assertEquals(Files.readString(base.resolve("config.json")), Files.readString(more.resolve("config.json")));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(base.resolve("model.safetensors")),
                Files.readAllBytes(more.resolve("model.safetensors"))), "the weights moved");
        assertEquals(base.toString(), Json.MAPPER.readTree(more.resolve("training.json").toFile()).get("init").asText());
    }

    @Test
    void anEmptyCorpusIsAClearErrorAndWritesNothing() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        var options = new Pretrainer.Options(List.of(empty), dir.resolve("out"), 1, 32, 2, 2, 300, 5, 2, 16, 1e-3, 1, 0, 0, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pretrainer(ProgressListener.silent()).run(options));
        assertTrue(e.getMessage().contains("no readable text"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out")));
    }
}
