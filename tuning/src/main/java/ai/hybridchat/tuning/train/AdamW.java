package ai.hybridchat.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter, 2019): Adam's moment estimates with weight decay applied to
 * the weights directly, not through the gradient. Updates run in place on the parameters, and
 * gradients are clipped to a global norm first and zeroed after.
 */
public final class AdamW implements AutoCloseable {
    private final List<NDArray> params;
    private final NDManager manager;
    private final NDArray[] m;
    private final NDArray[] v;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double maxGradNorm;
    private long t;

    public AdamW(List<NDArray> params, double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
        this.params = List.copyOf(params);
        this.manager = params.get(0).getManager().newSubManager();
        this.m = new NDArray[params.size()];
        this.v = new NDArray[params.size()];
        for (int i = 0; i < params.size(); i++) {
            m[i] = manager.zeros(params.get(i).getShape());
            v[i] = manager.zeros(params.get(i).getShape());
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
    }

    public static AdamW standard(List<NDArray> params, double weightDecay) {
        return new AdamW(params, 0.9, 0.999, 1e-8, weightDecay, 1.0);
    }

    /** Applies one update with learning rate {@code lr}; returns the gradient norm before clipping. */
    public double step(double lr) {
        t++;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray[] grads = new NDArray[params.size()];
            double squared = 0;
            for (int i = 0; i < params.size(); i++) {
                grads[i] = params.get(i).getGradient();
                grads[i].attach(scratch);
                squared += grads[i].square().sum().getFloat();
            }
            double norm = Math.sqrt(squared);
            float clip = maxGradNorm > 0 && norm > maxGradNorm ? (float) (maxGradNorm / norm) : 1f;
            double bias1 = 1 - Math.pow(beta1, t);
            double bias2 = 1 - Math.pow(beta2, t);
            float stepSize = (float) (lr / bias1);
            for (int i = 0; i < params.size(); i++) {
                NDArray g = clip == 1f ? grads[i] : grads[i].mul(clip);
                NDArray p = params.get(i);
                m[i].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v[i].muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                // results of ops on the moments belong to the moments' manager: move them to scratch
                NDArray denom = scratch(v[i].div((float) bias2), scratch).sqrt().addi((float) eps);
                if (weightDecay > 0 && p.getShape().dimension() > 1) {
                    p.muli((float) (1 - lr * weightDecay));
                }
                p.subi(scratch(m[i].div(denom), scratch).muli(stepSize));
                grads[i].muli(0f);
            }
            return norm;
        }
    }

    private static NDArray scratch(NDArray array, NDManager scratch) {
        array.attach(scratch);
        return array;
    }

    public long steps() {
        return t;
    }

    /** Adds the moment estimates to {@code out} as {@code adam.m.i} and {@code adam.v.i}. */
    void exportMoments(Map<String, NDArray> out) {
        for (int i = 0; i < m.length; i++) {
            out.put("adam.m." + i, m[i]);
            out.put("adam.v." + i, v[i]);
        }
    }

    /** Restores what {@link #exportMoments} wrote, and the step count used for bias correction. */
    void importMoments(Map<String, NDArray> in, long steps) {
        for (int i = 0; i < m.length; i++) {
            NDArray savedM = in.get("adam.m." + i);
            NDArray savedV = in.get("adam.v." + i);
            if (savedM == null || savedV == null || !savedM.getShape().equals(m[i].getShape())) {
                throw new IllegalArgumentException("checkpoint has no optimizer state for parameter " + i);
            }
            m[i].set(savedM.toFloatArray());
            v[i].set(savedV.toFloatArray());
        }
        t = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
