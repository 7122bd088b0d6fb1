package ai.hybridchat.core.adapter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.Scalars;
import java.util.Random;

/**
 * LoRA (Hu et al., 2021): the frozen projection plus a trainable low-rank update,
 * {@code y = base(x) + (alpha / r) * x A^T B^T}, with {@code A [r, in]} and {@code B [out, r]}
 * named and shaped as in PEFT. The base is never modified; {@link #merged()} folds the update into
 * a new dense weight for export, leaving this wrapper (and so the unmerged model) intact.
 */
public final class LoraLinear implements Projection {
    private final Projection base;
    private final NDArray loraA;
    private final NDArray loraB;
    private final float scaling;
    private final float dropout;
    private boolean training;
    private boolean enabled = true;

    public LoraLinear(Projection base, NDArray loraA, NDArray loraB, double alpha, float dropout) {
        long rank = loraA.getShape().get(0);
        if (loraB.getShape().get(1) != rank) {
            throw new IllegalArgumentException("lora_B has rank " + loraB.getShape().get(1) + " but lora_A has " + rank);
        }
        if (loraA.getShape().get(1) != base.shape().get(1) || loraB.getShape().get(0) != base.shape().get(0)) {
            throw new IllegalArgumentException("LoRA shapes A " + loraA.getShape() + ", B " + loraB.getShape()
                    + " do not fit the base weight " + base.shape());
        }
        this.base = base;
        this.loraA = loraA;
        this.loraB = loraB;
        this.scaling = (float) (alpha / rank);
        this.dropout = dropout;
    }

    /**
     * A new adapter around {@code base} as PEFT initialises one: A by {@code kaiming_uniform_(a=sqrt(5))}
     * on {@code [r, in]}, which is U(-1/sqrt(in), 1/sqrt(in)), and B at zero, so it starts as the base.
     */
    public static LoraLinear initialised(Projection base, int rank, double alpha, float dropout, Random random,
                                         NDManager manager) {
        long out = base.shape().get(0);
        long in = base.shape().get(1);
        float bound = (float) (1.0 / Math.sqrt(in));
        float[] a = new float[(int) (rank * in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (random.nextFloat() * 2 - 1) * bound;
        }
        return new LoraLinear(base, manager.create(a, new Shape(rank, in)),
                manager.zeros(new Shape(out, rank)), alpha, dropout);
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray y = base.forward(x);
        if (!enabled) {
            return y;
        }
        NDArray input = training && dropout > 0
                ? x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow() : x;
        // the scaling goes on the rank-r activations, not the output: the same product, a pass
        // over r values per token instead of out values (forward and backward)
        NDArray down = Scalars.mul(input.getNDArrayInternal().linear(input, loraA, null).singletonOrThrow(), scaling);
        NDArray up = down.getNDArrayInternal().linear(down, loraB, null).singletonOrThrow();
        return y.add(up);
    }

    @Override
    public NDArray weight() {
        return base.weight();
    }

    @Override
    public Shape shape() {
        return base.shape();
    }

    /** {@code W + scaling * B A} as a plain linear layer; the base bias, if any, is kept. */
    public Linear merged() {
        NDArray delta = loraB.matMul(loraA).mul(scaling);
        NDArray bias = base instanceof Linear l ? l.bias() : null;
        return new Linear(base.weight().add(delta), bias);
    }

    /**
     * Turns the low-rank update off (the base alone answers, as PEFT's {@code disable_adapter()})
     * or back on: how RLHF gets the reference model's log-probabilities without a second copy.
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The wrapped frozen projection: what "unmerge" returns to. */
    public Projection base() {
        return base;
    }

    public NDArray loraA() {
        return loraA;
    }

    public NDArray loraB() {
        return loraB;
    }

    public float scaling() {
        return scaling;
    }

    public boolean enabled() {
        return enabled;
    }

    /** True when a forward pass would drop inputs (training with dropout): not what inference computes. */
    public boolean dropsInputs() {
        return training && dropout > 0;
    }

    public void setTraining(boolean training) {
        this.training = training;
    }
}
