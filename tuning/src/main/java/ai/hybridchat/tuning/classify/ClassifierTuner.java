package ai.hybridchat.tuning.classify;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The classic transfer-learning recipe on a {@code {"text","label"}} dataset: load the pretrained
 * model, replace its output layer by a classification head over the labels, freeze everything but
 * the top blocks, and train with cross-entropy. Writes a Hugging Face
 * {@code LlamaForSequenceClassification} folder ({@code score.weight}, {@code id2label}) and
 * reports accuracy and macro-F1 on the validation set (or on the training set without one).
 */
public final class ClassifierTuner {
    private final ProgressListener listener;

    public ClassifierTuner(ProgressListener listener) {
        this.listener = listener;
    }

    public TuningResult run(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        List<LabeledText> train = LabeledText.read(o.data());
        List<LabeledText> validation = o.validation() == null ? List.of() : LabeledText.read(o.validation());
        List<String> labels = LabeledText.labels(train, o.data(), validation, o.validation());
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            SequenceClassifier classifier = SequenceClassifier.withNewHead(model, labels.size(), o.seed());
            long pad = TrainingRun.padId(tokenizer);
            List<Encoded> trainSet = encode(train, labels, tokenizer, o.maxLength());
            List<Encoded> valSet = encode(validation, labels, tokenizer, o.maxLength());
            int perEpoch = (trainSet.size() + o.batchSize() - 1) / o.batchSize();
            int steps = o.steps() > 0 ? o.steps() : Math.max(1, o.epochs() * perEpoch / o.gradientAccumulation());
            List<NDArray> params = TrainingRun.topLayers(model, o.methodOptions().topLayers());
            params.add(classifier.score());
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            listener.onMessage("last-layer classifier: " + labels.size() + " labels " + labels + ", top "
                    + o.methodOptions().topLayers() + " block(s) and a new head, " + trainable + " trainable parameters, "
                    + trainSet.size() + " examples, " + steps + " steps");
            Random random = new Random(o.seed());
            List<TokenBatch> plan = new ArrayList<>();
            TrainingLoop.Result result = TrainingRun.runLoop(o, steps, classifier::loss, params, i -> {
                while (plan.size() <= i) {
                    List<Encoded> shuffled = new ArrayList<>(trainSet);
                    Collections.shuffle(shuffled, random);
                    for (int b = 0; b < shuffled.size(); b += o.batchSize()) {
                        plan.add(batch(shuffled.subList(b, Math.min(shuffled.size(), b + o.batchSize())), pad));
                    }
                }
                return plan.get(i);
            }, batches(valSet, o.batchSize(), pad), listener, cancelled);
            List<Encoded> scored = valSet.isEmpty() ? trainSet : valSet;
            ClassificationMetrics metrics = evaluate(classifier, scored, labels.size(), o.batchSize(), pad);
            listener.onMessage(String.format(Locale.ROOT, "%s accuracy %.4f, macro-F1 %.4f on %d examples",
                    valSet.isEmpty() ? "training" : "validation", metrics.accuracy(), metrics.macroF1(), metrics.examples()));

            Map<String, Object> meta = TuningMetadata.of(o, result, trainSet.size(), steps);
            meta.put("classification", metrics.asMetadata(valSet.isEmpty() ? "train" : "validation"));
            meta.put("labels", labels);
            ObjectNode patch = Json.MAPPER.createObjectNode();
            patch.putArray("architectures").add("LlamaForSequenceClassification");
            ClassificationMetrics.putLabelMaps(patch, labels);
            patch.put("pad_token_id", pad);
            TuningOutputs.writeModelFolder(model, o, meta, Map.of(SequenceClassifier.SCORE, classifier.score()), patch);
            return new TuningResult(o.out(), result, trainSet.size(), 0, metrics);
        }
    }

    /** Token ids of one text (truncated to {@code maxLength}, keeping its start) and its label index. */
    record Encoded(long[] ids, int label) {
    }

    static List<Encoded> encode(List<LabeledText> texts, List<String> labels, TextTokenizer tokenizer, int maxLength) {
        List<Encoded> out = new ArrayList<>();
        for (LabeledText t : texts) {
            long[] ids = tokenizer.encodeLiteral(t.text());
            if (ids.length > maxLength) {
                ids = Arrays.copyOf(ids, maxLength);
            }
            out.add(new Encoded(ids, labels.indexOf(t.label())));
        }
        return out;
    }

    /** Right-padded ids; the target row holds the label, the mask marks the last real token (the one pooled). */
    static TokenBatch batch(List<Encoded> rows, long pad) {
        int length = rows.stream().mapToInt(r -> r.ids().length).max().orElse(1);
        long[] inputs = new long[rows.size() * length];
        long[] targets = new long[rows.size() * length];
        float[] mask = new float[rows.size() * length];
        Arrays.fill(inputs, pad);
        for (int b = 0; b < rows.size(); b++) {
            long[] ids = rows.get(b).ids();
            System.arraycopy(ids, 0, inputs, b * length, ids.length);
            Arrays.fill(targets, b * length, (b + 1) * length, rows.get(b).label());
            mask[b * length + ids.length - 1] = 1f;
        }
        return new TokenBatch(inputs, targets, mask, rows.size(), length);
    }

    static List<TokenBatch> batches(List<Encoded> rows, int size, long pad) {
        List<TokenBatch> out = new ArrayList<>();
        for (int b = 0; b < rows.size(); b += size) {
            out.add(batch(rows.subList(b, Math.min(rows.size(), b + size)), pad));
        }
        return out;
    }

    static ClassificationMetrics evaluate(SequenceClassifier classifier, List<Encoded> rows, int labels, int size, long pad) {
        int[] gold = rows.stream().mapToInt(Encoded::label).toArray();
        int[] predicted = new int[rows.size()];
        int i = 0;
        for (TokenBatch b : batches(rows, size, pad)) {
            for (int p : classifier.predict(b)) {
                predicted[i++] = p;
            }
        }
        return ClassificationMetrics.of(gold, predicted, labels);
    }
}
