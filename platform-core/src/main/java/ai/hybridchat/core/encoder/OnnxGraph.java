package ai.hybridchat.core.encoder;

import ai.hybridchat.core.model.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX model file ({@code onnx.proto}'s {@code ModelProto}) that holds weights: the
 * graph's initializer tensors and its nodes (operator, inputs, outputs), enough to give the
 * anonymous initializers of an exported model their Hugging Face names ({@link OnnxBertWeights}).
 *
 * <p>Written by hand, as a reader of Protocol Buffers' wire format for the six message fields it
 * needs, because the alternative (protobuf-java plus classes generated from {@code onnx.proto})
 * adds a code generator to the build and a 2 MB runtime to the jar for four records; ONNX Runtime,
 * which the retrieval module uses, does not expose initializers. External data (models over 2 GB
 * keep weights in side files) is refused with a clear message rather than half-read.
 */
public final class OnnxGraph {
    /** ONNX {@code TensorProto.DataType} values this reader turns into floats. */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    /** One initializer: its name, shape and values (floats; other types keep {@code values} null). */
    public record Tensor(String name, long[] dims, int dataType, float[] values) {
    }

    /** One node: its operator and the names of the values it reads and writes. */
    public record Node(String opType, List<String> inputs, List<String> outputs) {
    }

    private final Map<String, Tensor> initializers;
    private final List<Node> nodes;
    private final List<String> inputs;

    private OnnxGraph(Map<String, Tensor> initializers, List<Node> nodes, List<String> inputs) {
        this.initializers = initializers;
        this.nodes = nodes;
        this.inputs = inputs;
    }

    public static OnnxGraph parse(byte[] file) {
        Wire model = new Wire(file, 0, file.length);
        OnnxGraph graph = null;
        while (model.more()) {
            int key = model.key();
            if (key >>> 3 == 7 && (key & 7) == 2) { // ModelProto.graph
                graph = graph(model.message());
            } else {
                model.skip(key);
            }
        }
        if (graph == null) {
            throw new ModelFormatException("not an ONNX model: no graph");
        }
        return graph;
    }

    private static OnnxGraph graph(Wire g) {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        while (g.more()) {
            int key = g.key();
            int field = key >>> 3;
            if (field == 1 && (key & 7) == 2) { // GraphProto.node
                nodes.add(node(g.message()));
            } else if (field == 5 && (key & 7) == 2) { // GraphProto.initializer
                Tensor t = tensor(g.message());
                initializers.put(t.name(), t);
            } else if (field == 11 && (key & 7) == 2) { // GraphProto.input (ValueInfoProto, name = 1)
                Wire v = g.message();
                while (v.more()) {
                    int k = v.key();
                    if (k >>> 3 == 1 && (k & 7) == 2) {
                        inputs.add(v.string());
                    } else {
                        v.skip(k);
                    }
                }
            } else {
                g.skip(key);
            }
        }
        return new OnnxGraph(initializers, nodes, inputs);
    }

    private static Node node(Wire n) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = "";
        while (n.more()) {
            int key = n.key();
            switch (key >>> 3) {
                case 1 -> in.add(n.string());
                case 2 -> out.add(n.string());
                case 4 -> op = n.string();
                default -> n.skip(key);
            }
        }
        return new Node(op, List.copyOf(in), List.copyOf(out));
    }

    private static Tensor tensor(Wire t) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        Wire raw = null;
        Wire floatData = null;
        boolean external = false;
        while (t.more()) {
            int key = t.key();
            int field = key >>> 3;
            if (field == 1) { // dims: packed or one varint per entry
                if ((key & 7) == 2) {
                    Wire packed = t.message();
                    while (packed.more()) {
                        dims.add(packed.varint());
                    }
                } else {
                    dims.add(t.varint());
                }
            } else if (field == 2) {
                dataType = (int) t.varint();
            } else if (field == 4 && (key & 7) == 2) {
                floatData = t.message();
            } else if (field == 8) {
                name = t.string();
            } else if (field == 9) {
                raw = t.message();
            } else if (field == 13 || field == 14 && t.peekVarint() == 1) {
                external = true;
                t.skip(key);
            } else {
                t.skip(key);
            }
        }
        if (external) {
            throw new ModelFormatException("ONNX tensor " + name + " keeps its data in an external file, which is not supported");
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        float[] values = null;
        if (dataType == FLOAT) {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            Wire source = raw != null ? raw : floatData;
            int bytes = source == null ? 0 : source.remaining();
            if (bytes != count * 4) {
                throw new ModelFormatException("ONNX tensor " + name + ": " + bytes + " bytes for " + count + " floats");
            }
            values = new float[(int) count];
            if (count > 0) {
                source.floats(values);
            }
        }
        return new Tensor(name, shape, dataType, values);
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The graph's declared inputs (with, in older exports, the initializers repeated). */
    public List<String> inputs() {
        return inputs;
    }

    /** A cursor over one message's bytes in Protocol Buffers' wire format. */
    private static final class Wire {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Wire(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.pos = start;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int remaining() {
            return end - pos;
        }

        int key() {
            long key = varint();
            if (key <= 0 || key > Integer.MAX_VALUE) {
                throw new ModelFormatException("not an ONNX model: bad field key at byte " + pos);
            }
            return (int) key;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new ModelFormatException("not an ONNX model: truncated varint");
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new ModelFormatException("not an ONNX model: varint longer than 10 bytes");
        }

        long peekVarint() {
            int saved = pos;
            long v = varint();
            pos = saved;
            return v;
        }

        Wire message() {
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new ModelFormatException("not an ONNX model: a field of " + length + " bytes runs past its message");
            }
            Wire sub = new Wire(bytes, pos, pos + (int) length);
            pos += (int) length;
            return sub;
        }

        String string() {
            Wire s = message();
            return new String(bytes, s.pos, s.end - s.pos, StandardCharsets.UTF_8);
        }

        void floats(float[] into) {
            ByteBuffer.wrap(bytes, pos, end - pos).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into);
            pos = end;
        }

        void skip(int key) {
            switch (key & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> message();
                case 5 -> advance(4);
                default -> throw new ModelFormatException("not an ONNX model: wire type " + (key & 7));
            }
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new ModelFormatException("not an ONNX model: truncated field");
            }
            pos += n;
        }
    }
}
