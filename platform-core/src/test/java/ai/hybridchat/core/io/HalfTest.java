package ai.hybridchat.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * F32 to F16 against PyTorch's conversion ({@code gguf/half-reference.json}, made with Debian's
 * python3-torch: normals over 47 binades, subnormals, values that round to the largest half or
 * overflow, infinities, and exact ties, which go to even).
 */
class HalfTest {
    @Test
    void everyValueRoundsAsPyTorchRoundsIt() throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/gguf/half-reference.json")) {
            ref = Json.MAPPER.readTree(in);
        }
        JsonNode floats = ref.get("float_bits");
        JsonNode halves = ref.get("half_bits");
        assertEquals(floats.size(), halves.size());
        for (int i = 0; i < floats.size(); i++) {
            float f = Float.intBitsToFloat((int) floats.get(i).asLong());
            int expected = halves.get(i).asInt();
            assertEquals(expected, Half.fromFloat(f) & 0xFFFF, "value " + f + " (" + ref.get("source").asText() + ")");
            float back = Half.toFloat((short) expected);
            assertEquals(expected, Half.fromFloat(back) & 0xFFFF, "a half survives the round trip: " + back);
        }
    }
}
