package ai.hybridchat.tuning.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.encoder.EncoderLoraAdapter;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier method on a tiny random encoder: it learns its labels and writes a
 * {@code BertForSequenceClassification} folder that reads back with the predictions it scored (the
 * layout itself is checked against PyTorch in platform-core's {@code BertSequenceClassifierTest}).
 */
class ClassifierMethodTest {
    @TempDir Path dir;

    @Test
    void learnsTwoLabelsAndWritesAFolderThatPredictsAsScored() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 5);
        Path data = twoLabels();
        Path out = dir.resolve("classifier");
        TuningResult result = new Tuner(ProgressListener.silent()).run(TuneOptionsBuilder.of("classifier", base, data, out)
                .steps(60).batchSize(12).learningRate(3e-3).build(), null);
        ClassificationMetrics metrics = result.evaluation(ClassificationMetrics.class).orElseThrow();
        assertEquals(36, metrics.examples());
        assertEquals(1.0, metrics.accuracy(), "a tiny encoder memorises 36 training sentences: " + metrics);

        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("BertForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals("network", config.get("id2label").get("0").asText());
        assertEquals(1, config.get("label2id").get("storage").asInt());
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        try (NDManager manager = NDManager.newBaseManager()) {
            BertSequenceClassifier.Loaded loaded = BertSequenceClassifier.load(out, manager);
            List<ClassifierMethod.Row> rows;
            try (SentenceEncoder tokenizer = SentenceEncoder.load(base, manager)) {
                rows = ClassifierMethod.rows(LabeledText.read(data), loaded.labels(), tokenizer, 512);
            }
            ClassificationMetrics again = ClassifierMethod.evaluate(loaded.classifier(), rows, 2, 8, 0, manager);
            assertEquals(metrics.accuracy(), again.accuracy(), "the written folder predicts as the trained model did");
        }
    }

    @Test
    void theLoraVariantLearnsWithTheEncoderFrozenAndWritesAPeftAdapter() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 5);
        Path data = twoLabels();
        Path out = dir.resolve("classifier-lora");
        List<String> messages = new ArrayList<>();
        TuningResult result = new Tuner(new ProgressListener() {
            @Override
            public void onStep(StepReport report) {
            }

            @Override
            public void onMessage(String message) {
                messages.add(message);
            }
        }).run(TuneOptionsBuilder.of("classifier-lora", base, data, out).steps(80).batchSize(12).learningRate(1e-2).rank(4).alpha(8).build(), null);
        ClassificationMetrics metrics = result.evaluation(ClassificationMetrics.class).orElseThrow();
        assertEquals(1.0, metrics.accuracy(), "LoRA on query/value and the head learn 36 sentences: " + metrics);
        assertTrue(messages.stream().anyMatch(m -> m.contains("LoRA (rank 4) on [query, value]")), messages.toString());
        JsonNode config = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("SEQ_CLS", config.path("task_type").asText());
        assertTrue(Files.notExists(out.resolve("model.safetensors")), "an adapter, not a full model");
        JsonNode training = Json.MAPPER.readTree(out.resolve("training.json").toFile());
        assertEquals("[\"network\",\"storage\"]", training.path("labels").toString());
        try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder encoder = SentenceEncoder.load(base, manager)) {
            List<ClassifierMethod.Row> rows = ClassifierMethod.rows(LabeledText.read(data), List.of("network", "storage"), encoder, 512);
            BertSequenceClassifier adapted = EncoderLoraAdapter.load(encoder.model(), out);
            assertEquals(metrics.accuracy(), ClassifierMethod.evaluate(adapted, rows, 2, 8, 0, manager).accuracy(),
                    "the base and the adapter predict as the trained model did");
        }
    }

    private Path twoLabels() throws Exception {
        List<String> storage = List.of("disk", "file", "backup", "partition", "folder", "archive");
        List<String> network = List.of("router", "packet", "address", "interface", "firewall", "socket");
        StringBuilder sb = new StringBuilder();
        for (String t : List.of("The %s needs attention today.", "Check the %s first.", "Nobody touched the %s.")) {
            for (int i = 0; i < storage.size(); i++) {
                sb.append(Json.MAPPER.writeValueAsString(Map.of("text", String.format(t, storage.get(i)), "label", "storage"))).append('\n');
                sb.append(Json.MAPPER.writeValueAsString(Map.of("text", String.format(t, network.get(i)), "label", "network"))).append('\n');
            }
        }
        Path data = dir.resolve("train.jsonl");
        Files.writeString(data, sb.toString());
        return data;
    }
}
