package ai.hybridchat.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hybridchat.core.model.ModelFormatException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A model file is read defensively: anything that is not a well-formed ONNX graph is a clear error, never a crash. */
class OnnxGraphTest {
    @Test
    void randomBytesAndTruncationsAreFormatErrors() {
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + random.nextInt(300)];
            random.nextBytes(junk);
            assertThrows(ModelFormatException.class, () -> OnnxGraph.parse(junk));
        }
        byte[] model = tinyModel();
        for (int cut = 1; cut < model.length; cut++) {
            byte[] head = java.util.Arrays.copyOf(model, cut);
            assertThrows(ModelFormatException.class, () -> OnnxGraph.parse(head), "cut at " + cut);
        }
    }

    @Test
    void readsAHandEncodedGraph() {
        OnnxGraph g = OnnxGraph.parse(tinyModel());
        assertEquals(1, g.nodes().size());
        assertEquals("MatMul", g.nodes().get(0).opType());
        OnnxGraph.Tensor w = g.initializers().get("w");
        assertEquals(2, w.dims()[0]);
        assertEquals(1.5f, w.values()[1]);
    }

    /** ModelProto{graph{node{input:"x" input:"w" output:"y" op_type:"MatMul"} initializer{dims:2 data_type:1 name:"w" raw_data}}}. */
    private static byte[] tinyModel() {
        byte[] node = concat(field(1, "x".getBytes()), field(1, "w".getBytes()), field(2, "y".getBytes()), field(4, "MatMul".getBytes()));
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(1.5f);
        byte[] tensor = concat(new byte[] {0x08, 0x02, 0x10, 0x01}, field(8, "w".getBytes()), field(9, raw.array()));
        byte[] graph = concat(field(1, node), field(5, tensor));
        return concat(new byte[] {0x08, 0x07}, field(7, graph));
    }

    private static byte[] field(int number, byte[] payload) {
        return concat(new byte[] {(byte) (number << 3 | 2), (byte) payload.length}, payload);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
