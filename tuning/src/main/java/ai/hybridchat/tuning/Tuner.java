package ai.hybridchat.tuning;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.tuning.train.ProgressListener;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Runs a fine-tuning method end to end: the {@link TuningMethod} named by the options reads and
 * checks the data, loads the base, attaches what trains, runs the shared {@link TrainingRun}, and
 * writes its result (a PEFT adapter for LoRA) with a metadata file naming the base and data
 * hashes, the settings and the final metrics. A finished run's checkpoint is deleted.
 */
public final class Tuner {
    private final ProgressListener listener;

    public Tuner(ProgressListener listener) {
        this.listener = listener;
    }

    public TuningResult run(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        TuningResult result = TuningMethods.named(o.method()).run(o, listener, cancelled == null ? () -> false : cancelled);
        // the result is written: the checkpoint has done its job
        AtomicFiles.deleteRecursively(o.checkpointDir());
        return result;
    }
}
