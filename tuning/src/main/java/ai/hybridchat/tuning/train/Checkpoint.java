package ai.hybridchat.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a run needs to go on exactly where it stopped: the trained parameters, AdamW's two
 * moment estimates and step count, and the loop's step. Written as a folder
 * ({@code state.safetensors} in F32 plus {@code state.json}) built beside the old one and swapped
 * in atomically, so a kill at any moment leaves the previous checkpoint whole.
 */
public record Checkpoint(int step, long optimizerSteps, double smoothedLoss) {
    static final String TENSORS = "state.safetensors";
    static final String STATE = "state.json";

    /**
     * {@code run}: what makes the run this run (method, data hash, hyper-parameters, seed), kept so
     * that a resume with other settings is refused instead of silently mixing two runs.
     */
    static void save(Path dir, Checkpoint c, List<NDArray> params, AdamW optimizer, Map<String, Object> run) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            tensors.put("param." + i, params.get(i));
        }
        optimizer.exportMoments(tensors);
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Safetensors.write(staging.resolve(TENSORS), tensors, null, false);
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("step", c.step());
            state.put("optimizer_steps", c.optimizerSteps());
            state.put("smoothed_loss", Double.isNaN(c.smoothedLoss()) ? null : c.smoothedLoss());
            state.put("parameters", params.size());
            state.put("run", run);
            Files.writeString(staging.resolve(STATE), Json.MAPPER.writeValueAsString(state));
            AtomicFiles.publishDirectory(staging, dir);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    /**
     * Null when {@code dir} holds no checkpoint. A checkpoint whose recorded run settings differ
     * from {@code run} is refused, naming what differs, unless {@code force}.
     */
    static Checkpoint restore(Path dir, List<NDArray> params, AdamW optimizer, Map<String, Object> run, boolean force)
            throws IOException {
        if (!Files.isRegularFile(dir.resolve(STATE))) {
            return null;
        }
        JsonNode state = Json.MAPPER.readTree(dir.resolve(STATE).toFile());
        if (!force && run != null) {
            // through JSON text, as the recorded settings were, so 7 and 7L compare equal
            String differs = differences(state.get("run"), Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(run)));
            if (differs != null) {
                throw new IllegalArgumentException("checkpoint " + dir + " is from another run (" + differs + "): delete it "
                        + "to start afresh, or resume it anyway with --force-resume");
            }
        }
        if (state.path("parameters").asInt() != params.size()) {
            throw new IllegalArgumentException("checkpoint " + dir + " holds " + state.path("parameters").asInt()
                    + " parameter tensors but this run trains " + params.size() + ": it is from a different run");
        }
        try (NDManager scratch = params.get(0).getManager().newSubManager()) {
            Map<String, NDArray> tensors = Safetensors.read(dir.resolve(TENSORS), scratch);
            for (int i = 0; i < params.size(); i++) {
                NDArray saved = tensors.get("param." + i);
                if (saved == null || !saved.getShape().equals(params.get(i).getShape())) {
                    throw new IllegalArgumentException("checkpoint " + dir + ": parameter " + i + " is missing or has another "
                            + "shape: it is from a different run");
                }
                params.get(i).set(saved.toFloatArray());
            }
            optimizer.importMoments(tensors, state.path("optimizer_steps").asLong());
        }
        JsonNode smoothed = state.get("smoothed_loss");
        return new Checkpoint(state.path("step").asInt(), state.path("optimizer_steps").asLong(),
                smoothed == null || smoothed.isNull() ? Double.NaN : smoothed.asDouble());
    }

    /** What differs between the recorded and the current run settings, or null when nothing does. */
    static String differences(JsonNode recorded, JsonNode now) {
        if (recorded == null || !recorded.isObject()) {
            return "it records no run settings";
        }
        List<String> out = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        recorded.fieldNames().forEachRemaining(keys::add);
        now.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode a = recorded.get(k);
            JsonNode b = now.get(k);
            if (a == null || b == null || !a.equals(b)) {
                out.add(k + " was " + (a == null ? "unset" : a) + ", now " + (b == null ? "unset" : b));
            }
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }
}
