package ai.hybridchat.tuning.encoder;

import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningDefaults;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.train.ProgressListener;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * {@code classifier-lora}: the classifier of {@link ClassifierMethod} with the encoder frozen but
 * for LoRA on its attention projections ({@code --target-modules}, query and value by default),
 * the new head trained in full; writes a PEFT {@code SEQ_CLS} adapter for the base encoder.
 */
public final class ClassifierLoraMethod implements TuningMethod {
    private final ClassifierMethod method = new ClassifierMethod(true);

    @Override
    public String name() {
        return method.name();
    }

    @Override
    public TuningDefaults.Recipe recipe() {
        return method.recipe();
    }

    @Override
    public boolean lossIsTokenCrossEntropy() {
        return false;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        return method.run(o, listener, cancelled);
    }
}
