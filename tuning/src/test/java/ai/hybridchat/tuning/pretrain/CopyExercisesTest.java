package ai.hybridchat.tuning.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.tuning.train.TokenBatch;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CopyExercisesTest {
    @Test
    void eachRowRepeatsASpanOfVaryingLengthAndTrainsOnlyOnTheRepeat() {
        long[] stream = new long[1000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = 6 + (i * 7) % 90;
        }
        int length = 64;
        TokenBatch b = new CopyExercises(stream, stream.length, 6, 100, 1).rows(16, length);
        Set<Integer> spans = new HashSet<>();
        for (int r = 0; r < 16; r++) {
            int first = -1;
            int trained = 0;
            for (int k = 0; k < length; k++) {
                int i = r * length + k;
                assertTrue(b.inputs()[i] >= 6 && b.inputs()[i] < 100, "no special tokens");
                if (k + 1 < length) {
                    assertEquals(b.inputs()[i + 1], b.targets()[i], "targets are the next inputs");
                }
                if (b.mask()[i] > 0) {
                    first = first < 0 ? k : first;
                    trained++;
                }
            }
            int span = first; // training starts at the first token of the repeat
            spans.add(span);
            assertTrue(span >= length / 8 && span <= length / 2, "span " + span);
            assertEquals(span - 1, trained, "every target inside the repeat is trained, nothing else");
            for (int k = span; k < 2 * span; k++) {
                assertEquals(b.inputs()[r * length + k - span], b.inputs()[r * length + k], "the repeat copies the span");
            }
        }
        assertTrue(spans.size() > 4, "span lengths vary, so no fixed-distance shortcut copies them: " + spans);
    }
}
