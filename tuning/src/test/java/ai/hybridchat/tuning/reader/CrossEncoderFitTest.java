package ai.hybridchat.tuning.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.CrossEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pretrained MiniLM, fine-tuned by LoRA as a cross-encoder, learns which sentence answers which kind of question. */
class CrossEncoderFitTest {
    private static final String[] THINGS = {"lamp", "kettle", "bench", "clock", "kite", "stool", "mirror", "basket"};

    @Test
    void aListwiseRunLearnsWhichSentenceAnswers() {
        List<CrossEncoderFit.Group> groups = new ArrayList<>();
        for (String t : THINGS) {
            List<String> sentences = List.of("The " + t + " is painted dark green.", "The " + t + " weighs four kilograms.",
                    "The " + t + " was made in Leeds in 1931.", "The " + t + " costs twelve pounds.");
            String[] questions = {"What colour is the " + t + "?", "How heavy is the " + t + "?", "Where was the " + t + " made?",
                "How much is the " + t + "?"};
            for (int q = 0; q < questions.length; q++) {
                boolean[] correct = new boolean[4];
                correct[q] = true;
                // the prior only shortlists: all four, in an order that says nothing
                groups.add(new CrossEncoderFit.Group(questions[q], sentences, new double[] {0, 0, 0, 0}, correct, false));
            }
        }
        try (NDManager manager = NDManager.newBaseManager();
             CrossEncoder model = CrossEncoder.untrained(BundledEncoder.ALL_MINILM_L6_V2.load(manager), List.of("query", "value"), 8, 16, 3)) {
            assertEquals(0.25, CrossEncoderFit.top1(model, groups, 4), 1e-9, "an untrained head scores all alike: the first wins");
            CrossEncoderFit.Result r = CrossEncoderFit.fit(model, groups, new CrossEncoderFit.Options(4, 2e-3, 4, 4, 1),
                    report -> { });
            assertTrue(r.lastEpochLoss() < r.firstEpochLoss() * 0.5, "loss " + r.firstEpochLoss() + " -> " + r.lastEpochLoss());
            double top1 = CrossEncoderFit.top1(model, groups, 4);
            assertTrue(top1 >= 0.9, "top-1 after training " + top1);
            assertEquals(6 * 2 * 2 + 2, model.trainables().size(), "A and B for query and value of 6 layers, and the head");
        }
    }
}
