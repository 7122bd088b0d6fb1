package ai.hybridchat.tuning.reader;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.hybridchat.core.encoder.CrossEncoder;
import ai.hybridchat.core.model.Scalars;
import ai.hybridchat.tuning.train.AdamW;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.ProgressListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Fine-tunes a {@link CrossEncoder} as the residual of a prior ranker: per question, the candidates
 * are the {@code candidates} best by the prior (the linear scorer, the correct ones always among
 * them in training), the score of each is {@code prior + crossEncoder}, and the loss is the listwise
 * one of {@link ListwiseRankerFit} (-log of the softmax mass on the correct candidates). Starting
 * from a zero head, training begins exactly at the prior and learns what it misses.
 */
public final class CrossEncoderFit {
    /** One question: its candidates' texts, the prior's scores, and which are correct. */
    public record Group(String question, List<String> candidates, double[] prior, boolean[] correct, boolean priorAdded) {
        public Group(String question, List<String> candidates, double[] prior, boolean[] correct) {
            this(question, candidates, prior, correct, true);
        }

        /** The prior's score of candidate {@code i} as it enters the sum: 0 when the prior only shortlists. */
        double added(int i) {
            return priorAdded ? prior[i] : 0;
        }
    }

    public record Options(int epochs, double learningRate, int candidates, int groupsPerStep, long seed) {
        public static Options defaults() {
            return new Options(2, 1e-3, 8, 4, 7);
        }
    }

    public record Result(double firstEpochLoss, double lastEpochLoss, int steps) {
    }

    private CrossEncoderFit() {
    }

    /** The indices of the {@code k} candidates best by the prior, with (in training) every correct one swapped in. */
    public static List<Integer> shortlist(double[] prior, boolean[] correct, int k, boolean forceCorrect) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < prior.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> -prior[i]));
        List<Integer> top = new ArrayList<>(order.subList(0, Math.min(k, order.size())));
        if (forceCorrect && correct != null) {
            for (int i : order) {
                if (correct[i] && !top.contains(i)) {
                    for (int j = top.size() - 1; j >= 0; j--) {
                        if (!correct[top.get(j)]) {
                            top.set(j, i);
                            break;
                        }
                    }
                }
            }
        }
        return top;
    }

    public static Result fit(CrossEncoder model, List<Group> groups, Options o, ProgressListener listener) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        List<NDArray> params = model.trainables();
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        int perEpoch = (groups.size() + o.groupsPerStep() - 1) / o.groupsPerStep();
        int total = perEpoch * o.epochs();
        LearningRateSchedule schedule = new LearningRateSchedule(o.learningRate(), Math.max(1, total / 10), total, 0.1);
        Random random = new Random(o.seed());
        NDManager root = params.get(0).getManager();
        double first = Double.NaN;
        double last = Double.NaN;
        int step = 0;
        try (AdamW optimizer = AdamW.standard(params, 0.0)) {
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                List<Group> shuffled = new ArrayList<>(groups);
                Collections.shuffle(shuffled, random);
                double sum = 0;
                for (int from = 0; from < shuffled.size(); from += o.groupsPerStep()) {
                    List<Group> batch = shuffled.subList(from, Math.min(shuffled.size(), from + o.groupsPerStep()));
                    double stepLoss = 0;
                    for (Group g : batch) {
                        List<Integer> pick = shortlist(g.prior(), g.correct(), o.candidates(), true);
                        try (NDManager scratch = root.newSubManager();
                             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = loss(model, g, pick, scratch);
                            stepLoss += loss.getFloat() / batch.size();
                            collector.backward(Scalars.mul(loss, 1f / batch.size()));
                        }
                    }
                    double lr = schedule.at(step);
                    double norm = optimizer.step(lr);
                    sum += stepLoss * batch.size();
                    step++;
                    listener.onStep(new ProgressListener.StepReport(step, total, stepLoss, lr, norm, 0, 0));
                }
                double mean = sum / shuffled.size();
                first = epoch == 0 ? mean : first;
                last = mean;
                listener.onMessage(String.format(Locale.ROOT, "cross-encoder epoch %d/%d: listwise loss %.4f",
                        epoch + 1, o.epochs(), mean));
            }
        } finally {
            for (NDArray p : params) {
                p.setRequiresGradient(false);
            }
            JniUtils.setGradMode(gradMode);
        }
        return new Result(first, last, step);
    }

    /** -log of the softmax mass of {@code prior + cross} on the correct candidates of the shortlist. */
    static NDArray loss(CrossEncoder model, Group g, List<Integer> pick, NDManager m) {
        List<String> texts = new ArrayList<>();
        float[] prior = new float[pick.size()];
        float[] correct = new float[pick.size()];
        for (int i = 0; i < pick.size(); i++) {
            texts.add(g.candidates().get(pick.get(i)));
            prior[i] = (float) g.added(pick.get(i));
            correct[i] = g.correct()[pick.get(i)] ? 1 : 0;
        }
        NDArray scores = model.scores(g.question(), texts, m).add(m.create(prior));
        NDArray logp = scores.logSoftmax(0);
        // log sum over the correct ones of p, as a masked log-sum-exp of the log-probabilities
        NDArray masked = logp.add(m.create(correct).sub(m.create(1f)).mul(m.create(1e4f)));
        NDArray max = masked.max();
        return masked.sub(max).exp().sum().log().add(max).neg();
    }

    /** The share of groups whose best shortlisted candidate by {@code prior + cross} is correct. */
    public static double top1(CrossEncoder model, List<Group> groups, int candidates) {
        int right = 0;
        for (Group g : groups) {
            List<Integer> pick = shortlist(g.prior(), g.correct(), candidates, false);
            List<String> texts = pick.stream().map(g.candidates()::get).toList();
            double[] cross = model == null ? new double[pick.size()] : model.score(g.question(), texts);
            int best = 0;
            for (int i = 1; i < pick.size(); i++) {
                if (g.added(pick.get(i)) + cross[i] > g.added(pick.get(best)) + cross[best]) {
                    best = i;
                }
            }
            right += g.correct()[pick.get(best)] ? 1 : 0;
        }
        return groups.isEmpty() ? 0 : right / (double) groups.size();
    }
}
