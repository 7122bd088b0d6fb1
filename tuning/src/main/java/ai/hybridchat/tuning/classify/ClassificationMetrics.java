package ai.hybridchat.tuning.classify;

import ai.hybridchat.tuning.TuningResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy and macro-averaged F1 (the mean of each label's F1, so a rare label counts as much as
 * a common one) from gold and predicted label indices.
 */
public record ClassificationMetrics(double accuracy, double macroF1, int examples) implements TuningResult.Evaluation {
    public static ClassificationMetrics of(int[] gold, int[] predicted, int labels) {
        int correct = 0;
        int[] tp = new int[labels];
        int[] fp = new int[labels];
        int[] fn = new int[labels];
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] == predicted[i]) {
                correct++;
                tp[gold[i]]++;
            } else {
                fp[predicted[i]]++;
                fn[gold[i]]++;
            }
        }
        double f1Sum = 0;
        for (int l = 0; l < labels; l++) {
            int denominator = 2 * tp[l] + fp[l] + fn[l];
            // a label never gold and never predicted is perfectly handled: F1 1, as scikit-learn's zero_division=1
            f1Sum += denominator == 0 ? 1.0 : 2.0 * tp[l] / denominator;
        }
        return new ClassificationMetrics(gold.length == 0 ? 0 : (double) correct / gold.length, f1Sum / labels, gold.length);
    }

    /** The scores as {@code training.json} records them; {@code split}: "train" or "validation". */
    public Map<String, Object> asMetadata(String split) {
        Map<String, Object> scores = new LinkedHashMap<>();
        scores.put("split", split);
        scores.put("accuracy", accuracy);
        scores.put("macro_f1", macroF1);
        scores.put("examples", examples);
        return scores;
    }

    /** Hugging Face's {@code id2label} and {@code label2id} for {@code labels} in index order, into a config. */
    public static void putLabelMaps(ObjectNode config, List<String> labels) {
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(String.valueOf(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
    }
}
