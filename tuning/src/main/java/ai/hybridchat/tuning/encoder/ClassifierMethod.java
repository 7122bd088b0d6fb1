package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.encoder.EncoderLoraAdapter;
import ai.hybridchat.core.encoder.PaddedIds;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningDefaults;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The seed's recipe on a pretrained encoder: load it, put a new output layer on its pooled first
 * token ({@link BertSequenceClassifier}), and fine-tune everything with cross-entropy on
 * {@code {"text","label"}} data. Writes a Hugging Face {@code BertForSequenceClassification}
 * folder ({@code id2label}, {@code label2id}) with the tokenizer, and reports accuracy and
 * macro-F1 on {@code --val} (or on the training set without one).
 */
public final class ClassifierMethod implements TuningMethod {
    private final boolean lora;

    public ClassifierMethod() {
        this(false);
    }

    /** {@code lora}: train LoRA on the encoder's attention projections and the head in full, and write a PEFT adapter. */
    ClassifierMethod(boolean lora) {
        this.lora = lora;
    }

    /**
     * Hugging Face's fine-tuning learning rate for BERT (5e-5) over 10 epochs, since a new head on
     * a few dozen examples per class needs more passes than the 3 of its example scripts.
     */
    public static final TuningDefaults.Recipe RECIPE = new TuningDefaults.Recipe(10, 5e-5, 8, 16, List.of("query", "value"), 0);

    /**
     * LoRA's learning rate for sequence classification in PEFT's own example (3e-4, rank 8, alpha
     * 16 on query and value), over the same 10 epochs.
     */
    public static final TuningDefaults.Recipe LORA_RECIPE = new TuningDefaults.Recipe(10, 3e-4, 8, 16, List.of("query", "value"), 0);

    @Override
    public String name() {
        return lora ? "classifier-lora" : "classifier";
    }

    @Override
    public TuningDefaults.Recipe recipe() {
        return lora ? LORA_RECIPE : RECIPE;
    }

    @Override
    public boolean lossIsTokenCrossEntropy() {
        return false;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        List<LabeledText> train = LabeledText.read(o.data());
        List<LabeledText> validation = o.validation() == null ? List.of() : LabeledText.read(o.validation());
        List<String> labels = LabeledText.labels(train, o.data(), validation, o.validation());
        try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder encoder = EncoderBase.load(o.base(), manager)) {
            BertSequenceClassifier classifier = BertSequenceClassifier.withNewHead(encoder.model(), labels.size(), o.seed());
            List<Row> trainSet = rows(train, labels, encoder, o.maxLength());
            List<Row> valSet = rows(validation, labels, encoder, o.maxLength());
            long pad = encoder.model().config().padTokenId;
            int perEpoch = (trainSet.size() + o.batchSize() - 1) / o.batchSize();
            int steps = o.steps() > 0 ? o.steps() : Math.max(1, o.epochs() * perEpoch / o.gradientAccumulation());
            List<LoraLinear> loras = lora ? EncoderLoraAdapter.inject(encoder.model(), o.targetModules(), o.rank(), o.alpha(),
                    (float) o.dropout(), o.seed(), manager) : List.of();
            List<NDArray> params = lora ? LoraInjector.startTraining(loras) : new ArrayList<>(encoder.model().parameters().values());
            params.addAll(classifier.headParameters());
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            listener.onMessage("classifier: " + labels.size() + " labels, "
                    + (lora ? "LoRA (rank " + o.rank() + ") on " + o.targetModules() + " of the encoder" : "the encoder")
                    + " and a new head ("
                    + (classifier.pretrainedPooler() ? "pretrained" : "new") + " pooler), " + trainable + " trainable parameters, "
                    + trainSet.size() + " examples, " + steps + " steps");
            Random random = new Random(o.seed());
            List<TokenBatch> plan = new ArrayList<>();
            TrainingLoop.Result result = TrainingRun.runLoop(o, steps, (batch, m) -> ClassifierBatches.loss(classifier, batch, m), params, i -> {
                while (plan.size() <= i) {
                    List<Row> shuffled = new ArrayList<>(trainSet);
                    Collections.shuffle(shuffled, random);
                    plan.addAll(batches(shuffled, o.batchSize(), pad));
                }
                return plan.get(i);
            }, batches(valSet, o.batchSize(), pad), listener, cancelled);
            loras.forEach(l -> l.setTraining(false));
            List<Row> scored = valSet.isEmpty() ? trainSet : valSet;
            ClassificationMetrics metrics = evaluate(classifier, scored, labels.size(), o.batchSize(), pad, manager);
            listener.onMessage(String.format(Locale.ROOT, "%s accuracy %.4f, macro-F1 %.4f on %d examples",
                    valSet.isEmpty() ? "training" : "validation", metrics.accuracy(), metrics.macroF1(), metrics.examples()));
            Map<String, Object> meta = TuningMetadata.of(o, result, trainSet.size(), steps);
            meta.put("classification", metrics.asMetadata(valSet.isEmpty() ? "train" : "validation"));
            meta.put("labels", labels);
            if (lora) {
                writeAdapter(o, encoder, classifier, meta);
            } else {
                write(encoder, classifier, labels, o.out(), meta);
            }
            return new TuningResult(o.out(), result, trainSet.size(), 0, metrics);
        }
    }

    /** A text's ids (cut to {@code maxLength}, its final [SEP] kept) and its label's index. */
    record Row(long[] ids, int label) {
    }

    static List<Row> rows(List<LabeledText> texts, List<String> labels, SentenceEncoder encoder, int maxLength) {
        List<Row> out = new ArrayList<>();
        for (LabeledText t : texts) {
            out.add(new Row(encoder.tokenIds(t.text(), maxLength), labels.indexOf(t.label())));
        }
        return out;
    }

    static List<TokenBatch> batches(List<Row> rows, int size, long pad) {
        List<TokenBatch> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += size) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + size));
            PaddedIds padded = PaddedIds.of(part.stream().map(Row::ids).toList(), null, pad);
            // the label in every target of its row
            long[] targets = new long[padded.ids().length];
            for (int b = 0; b < part.size(); b++) {
                Arrays.fill(targets, b * padded.length(), (b + 1) * padded.length(), part.get(b).label());
            }
            out.add(new TokenBatch(padded.ids(), targets, padded.floatMask(), padded.rows(), padded.length()));
        }
        return out;
    }

    static ClassificationMetrics evaluate(BertSequenceClassifier classifier, List<Row> rows, int labels, int size, long pad,
                                          NDManager manager) {
        int[] gold = rows.stream().mapToInt(Row::label).toArray();
        int[] predicted = new int[rows.size()];
        int i = 0;
        for (TokenBatch b : batches(rows, size, pad)) {
            try (NDManager step = manager.newSubManager()) {
                for (int p : ClassifierBatches.predict(classifier, b, step)) {
                    predicted[i++] = p;
                }
            }
        }
        return ClassificationMetrics.of(gold, predicted, labels);
    }

    /** A PEFT {@code SEQ_CLS} adapter folder with the tokenizer and training.json (the labels in index order). */
    static void writeAdapter(TuneOptions o, SentenceEncoder encoder, BertSequenceClassifier classifier, Map<String, Object> meta)
            throws IOException {
        LoraConfig config = new LoraConfig();
        config.r = o.rank();
        config.loraAlpha = o.alpha();
        config.loraDropout = o.dropout();
        config.targetModules = o.targetModules();
        config.baseModelNameOrPath = o.base().toString();
        EncoderLoraAdapter.save(classifier, config, o.out(), Map.of("tokenizer.json", encoder.tokenizerJson(),
                "training.json", TuningMetadata.json(meta).getBytes(StandardCharsets.UTF_8)));
    }

    /** A {@code BertForSequenceClassification} folder, published atomically. */
    static void write(SentenceEncoder encoder, BertSequenceClassifier classifier, List<String> labels, Path out,
                      Map<String, Object> meta) throws IOException {
        Path staging = AtomicFiles.stagingFor(out);
        try {
            Files.createDirectories(staging);
            encoder.model().save(staging, classifier.headTensors(), "bert.");
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(staging.resolve("config.json").toFile());
            config.putArray("architectures").add("BertForSequenceClassification");
            config.put("problem_type", "single_label_classification");
            ClassificationMetrics.putLabelMaps(config, labels);
            AtomicFiles.writeString(staging.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            Files.write(staging.resolve("tokenizer.json"), encoder.tokenizerJson());
            AtomicFiles.writeString(staging.resolve("training.json"), TuningMetadata.json(meta));
            AtomicFiles.publishDirectory(staging, out);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }
}
