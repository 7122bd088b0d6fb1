package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.ModelFormatException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a BERT exported to ONNX by {@code torch.onnx.export}, under their Hugging Face
 * names. The exporter keeps the names of biases, embeddings and norms but turns every
 * {@code nn.Linear} into a {@code MatMul} with an anonymous, transposed ({@code [in, out]})
 * initializer followed by an {@code Add} of the named bias. So a weight is named by the graph, not
 * by its place in the file: the {@code MatMul} whose output the bias {@code X.bias} is added to
 * holds {@code X.weight}, transposed back to PyTorch's {@code [out, in]}.
 */
public final class OnnxBertWeights {
    private OnnxBertWeights() {
    }

    /** Float tensors by Hugging Face name, in {@code manager}; buffers such as position ids are left out. */
    public static Map<String, NDArray> read(OnnxGraph graph, NDManager manager) {
        Map<String, OnnxGraph.Tensor> init = graph.initializers();
        Map<String, String> biasAddedTo = new HashMap<>(); // MatMul output -> bias name
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().equals("Add") && n.inputs().size() == 2) {
                for (int i = 0; i < 2; i++) {
                    String bias = n.inputs().get(i);
                    if (bias.endsWith(".bias") && init.containsKey(bias)) {
                        biasAddedTo.put(n.inputs().get(1 - i), bias);
                    }
                }
            }
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            if (!n.opType().equals("MatMul") || n.inputs().size() != 2) {
                continue;
            }
            OnnxGraph.Tensor w = init.get(n.inputs().get(1));
            if (w == null) {
                continue; // attention's activation x activation products
            }
            String bias = biasAddedTo.get(n.outputs().get(0));
            if (bias == null) {
                throw new ModelFormatException("ONNX weight " + w.name() + " feeds no named bias: cannot tell which layer it is");
            }
            if (w.values() == null || w.dims().length != 2) {
                throw new ModelFormatException("ONNX weight " + w.name() + " is not a float matrix (a quantized model?)");
            }
            String name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            out.put(name, manager.create(w.values(), new Shape(w.dims())).transpose().duplicate());
        }
        for (OnnxGraph.Tensor t : init.values()) {
            if (t.values() != null && !t.name().startsWith("onnx::")) {
                out.put(t.name(), manager.create(t.values(), new Shape(t.dims())));
            }
        }
        return out;
    }
}
