package ai.hybridchat.core.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF file, version 3, as ggml's docs/gguf.md lays it out: magic {@code GGUF}, version,
 * tensor count, key-value count, the key-values (typed), the tensor infos (name, dimensions
 * innermost first, type, offset into the data), padding to {@code general.alignment} (32), and
 * each tensor's data at an aligned offset. All little-endian. Written by hand: no Java library on
 * Maven Central writes GGUF.
 */
public final class GgufWriter {
    public static final int ALIGNMENT = 32;
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final int VERSION = 3;

    /** GGUF's metadata value types. */
    enum ValueType {
        UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64
    }

    record Value(ValueType type, Object value, ValueType elementType) {
    }

    /** A tensor: its name, its shape as PyTorch writes it (outermost first), its type and its encoded bytes. */
    public record Tensor(String name, long[] shape, GgmlType type, byte[] data) {
    }

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter string(String key, String value) {
        return put(key, new Value(ValueType.STRING, value, null));
    }

    public GgufWriter uint32(String key, long value) {
        return put(key, new Value(ValueType.UINT32, value, null));
    }

    public GgufWriter float32(String key, float value) {
        return put(key, new Value(ValueType.FLOAT32, value, null));
    }

    public GgufWriter bool(String key, boolean value) {
        return put(key, new Value(ValueType.BOOL, value, null));
    }

    public GgufWriter strings(String key, List<String> values) {
        return put(key, new Value(ValueType.ARRAY, values, ValueType.STRING));
    }

    public GgufWriter int32s(String key, int[] values) {
        return put(key, new Value(ValueType.ARRAY, values, ValueType.INT32));
    }

    private GgufWriter put(String key, Value value) {
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("metadata key " + key + " given twice");
        }
        return this;
    }

    public GgufWriter tensor(Tensor tensor) {
        long values = 1;
        for (long d : tensor.shape()) {
            values *= d;
        }
        if (tensor.shape()[tensor.shape().length - 1] % tensor.type().blockValues != 0
                || tensor.data().length != tensor.type().bytes(values)) {
            throw new IllegalArgumentException(tensor.name() + ": " + tensor.data().length + " bytes do not hold "
                    + values + " values of " + tensor.type());
        }
        tensors.add(tensor);
        return this;
    }

    public void write(Path file) throws IOException {
        uint32("general.alignment", ALIGNMENT);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Sink sink = new Sink(out);
            sink.u32(MAGIC);
            sink.u32(VERSION);
            sink.u64(tensors.size());
            sink.u64(metadata.size());
            for (Map.Entry<String, Value> e : metadata.entrySet()) {
                sink.string(e.getKey());
                sink.u32(e.getValue().type().ordinal());
                writeValue(sink, e.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                sink.string(t.name());
                sink.u32(t.shape().length);
                for (int i = t.shape().length - 1; i >= 0; i--) {
                    sink.u64(t.shape()[i]); // ggml's ne[0] is the innermost (fastest-varying) dimension
                }
                sink.u32(t.type().id);
                sink.u64(offset);
                offset = align(offset + t.data().length);
            }
            sink.pad();
            for (Tensor t : tensors) {
                sink.bytes(t.data());
                sink.pad();
            }
        }
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(Sink sink, Value v) throws IOException {
        switch (v.type()) {
            case STRING -> sink.string((String) v.value());
            case UINT32 -> sink.u32((Long) v.value());
            case FLOAT32 -> sink.u32(Float.floatToRawIntBits((Float) v.value()));
            case BOOL -> sink.bytes(new byte[] {(byte) ((Boolean) v.value() ? 1 : 0)});
            case ARRAY -> {
                sink.u32(v.elementType().ordinal());
                if (v.elementType() == ValueType.STRING) {
                    List<String> values = (List<String>) v.value();
                    sink.u64(values.size());
                    for (String s : values) {
                        sink.string(s);
                    }
                } else {
                    int[] values = (int[]) v.value();
                    sink.u64(values.length);
                    for (int x : values) {
                        sink.u32(x);
                    }
                }
            }
            default -> throw new IllegalStateException("unwritten type " + v.type());
        }
    }

    /** Little-endian primitives, counting bytes for the padding. */
    private static final class Sink {
        final OutputStream out;
        final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long written;

        Sink(OutputStream out) {
            this.out = out;
        }

        void u32(long v) throws IOException {
            scratch.clear();
            scratch.putInt((int) v);
            bytes(scratch.array(), 4);
        }

        void u64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            bytes(scratch.array(), 8);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) throws IOException {
            bytes(b, b.length);
        }

        void bytes(byte[] b, int n) throws IOException {
            out.write(b, 0, n);
            written += n;
        }

        void pad() throws IOException {
            while (written % ALIGNMENT != 0) {
                out.write(0);
                written++;
            }
        }
    }
}
