package ai.hybridchat.tuning.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.ClasspathFolder;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder classifier against Hugging Face's layout and plain PyTorch: a
 * {@code BertForSequenceClassification} folder made by {@code reference/make_bert_classifier_reference.py}
 * gives the reference's logits; one the method writes reads back with the predictions it scored.
 */
class ClassifierMethodTest {
    @TempDir Path dir;

    @Test
    void aHuggingFaceSequenceClassifierGivesPyTorchsLogits() throws Exception {
        Path folder = dir.resolve("ref");
        new ClasspathFolder("reference/bert-tiny-classifier").copyTo(folder);
        JsonNode ref = Json.MAPPER.readTree(folder.resolve("reference.json").toFile());
        try (NDManager manager = NDManager.newBaseManager()) {
            BertSequenceClassifier.Loaded loaded = BertSequenceClassifier.load(folder, manager);
            assertEquals(List.of("billing", "shipping", "returns"), loaded.labels());
            JsonNode ids = ref.get("input_ids");
            int b = ids.size();
            int t = ids.get(0).size();
            long[] inputs = new long[b * t];
            float[] mask = new float[b * t];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    inputs[i * t + j] = ids.get(i).get(j).asLong();
                    mask[i * t + j] = ref.get("attention_mask").get(i).get(j).floatValue();
                }
            }
            float[] logits = ClassifierBatches.logits(loaded.classifier(), new TokenBatch(inputs, new long[inputs.length], mask, b, t), manager)
                    .toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int l = 0; l < 3; l++) {
                    assertEquals(ref.get("logits").get(i).get(l).asDouble(), logits[i * 3 + l], 1e-4, "row " + i + " label " + l);
                }
            }
        }
    }

    @Test
    void learnsTwoLabelsAndWritesAFolderThatPredictsAsScored() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 5);
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
}
