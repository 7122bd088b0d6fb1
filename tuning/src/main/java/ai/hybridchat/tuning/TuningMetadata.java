package ai.hybridchat.tuning;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.train.TrainingLoop;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's {@code training.json}: the method, the base and data with their SHA-256, the shared
 * hyper-parameters followed by the method's own, and the final metrics.
 */
public final class TuningMetadata {
    private TuningMetadata() {
    }

    public static Map<String, Object> of(TuneOptions o, TrainingLoop.Result r, int examples, int steps) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("method", o.method());
        meta.put("base_model", o.base().toString());
        Path weights = o.base().resolve("model.safetensors");
        // a bundled base (an encoder in a LangChain4j jar) has no file to hash: its name says which
        meta.put("base_model_sha256", Files.isRegularFile(weights) ? sha256(weights) : null);
        meta.put("dataset", o.data().toString());
        meta.put("dataset_sha256", sha256(o.data()));
        meta.put("examples", examples);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("steps", steps);
        hp.put("batch_size", o.batchSize());
        hp.put("gradient_accumulation", o.gradientAccumulation());
        hp.put("max_length", o.maxLength());
        hp.put("learning_rate", o.learningRate());
        hp.put("weight_decay", o.weightDecay());
        hp.put("seed", o.seed());
        hp.put("early_stopping_patience", o.earlyStopping());
        hp.putAll(TuningMethods.named(o.method()).hyperparameters(o));
        meta.put("hyperparameters", hp);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final_train_loss", r.finalTrainLoss());
        metrics.put("final_validation_loss", r.finalValidationLoss());
        metrics.put("stopped_early", r.stoppedEarly());
        if (TuningMethods.named(o.method()).lossIsTokenCrossEntropy()) {
            metrics.put("validation_perplexity", r.finalValidationLoss() == null ? null : Math.exp(r.finalValidationLoss()));
        }
        metrics.put("tokens_per_second", r.tokensPerSecond());
        meta.put("metrics", metrics);
        return meta;
    }

    /** The LoRA settings PEFT's config names, for the methods that train LoRA adapters. */
    public static Map<String, Object> lora(TuneOptions o) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("r", o.rank());
        hp.put("lora_alpha", o.alpha());
        hp.put("lora_dropout", o.dropout());
        hp.put("target_modules", o.targetModules());
        return hp;
    }

    public static String json(Map<String, Object> meta) throws JsonProcessingException {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(meta);
    }

    /** The file's SHA-256 in hex, or null when it is not a regular file. */
    static String sha256(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
