package ai.hybridchat.tuning.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.tuning.train.TokenBatch;
import org.junit.jupiter.api.Test;

class CopyExercisesTest {
    @Test
    void eachRowRepeatsItsFirstHalfAndTrainsOnlyOnTheRepeat() {
        long[] stream = new long[1000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = 6 + (i * 7) % 90;
        }
        TokenBatch b = new CopyExercises(stream, stream.length, 6, 100, 1).rows(8, 20);
        int randomRows = 0;
        for (int r = 0; r < 8; r++) {
            boolean fromStream = true;
            for (int k = 0; k < 20; k++) {
                int i = r * 20 + k;
                assertEquals(k >= 10 ? 1f : 0f, b.mask()[i], "mask at " + k);
                if (k >= 10) {
                    assertEquals(b.inputs()[r * 20 + k - 10], b.inputs()[i], "the second half repeats the first");
                }
                if (k + 1 < 20) {
                    assertEquals(b.inputs()[i + 1], b.targets()[i], "targets are the next inputs");
                }
                assertTrue(b.inputs()[i] >= 6 && b.inputs()[i] < 100, "no special tokens");
                fromStream &= k == 0 || b.inputs()[i] == 6 + ((b.inputs()[i - 1] - 6) + 7) % 90 || k == 10;
            }
            randomRows += fromStream ? 0 : 1;
        }
        assertEquals(2, randomRows, "one row in four is random tokens");
    }
}
