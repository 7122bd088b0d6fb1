package ai.hybridchat.tuning.reader;

import java.util.List;

/**
 * Fits the weights of a linear listwise ranker (ListNet's top-one form, Cao et al. 2007): per
 * question, a softmax over the candidates' scores {@code w·f}, trained to put its mass on the
 * correct candidates (cross-entropy of the probability of the set of correct ones), with L2
 * regularisation, by full-batch Adam.
 *
 * <p>Why by hand: the problem has a handful of parameters and a few hundred questions, is convex,
 * and fits in milliseconds; an autograd engine would add native set-up and nothing else.
 */
public final class ListwiseRankerFit {
    /** One question: each candidate's features and whether it is a correct answer. */
    public record Question(List<double[]> features, boolean[] correct) {
        public Question {
            if (features.size() != correct.length || features.isEmpty()) {
                throw new IllegalArgumentException("one flag per candidate, at least one candidate");
            }
        }
    }

    /** The fitted weights, the mean loss at the end, and the share of questions whose best candidate is correct. */
    public record Result(double[] weights, double loss, double top1) {
    }

    private final double l2;
    private final int iterations;
    private final double learningRate;

    public ListwiseRankerFit(double l2, int iterations, double learningRate) {
        this.l2 = l2;
        this.iterations = iterations;
        this.learningRate = learningRate;
    }

    public static ListwiseRankerFit defaults() {
        return new ListwiseRankerFit(1e-3, 3000, 0.05);
    }

    public Result fit(List<Question> questions, double[] start) {
        int d = start.length;
        double[] w = start.clone();
        double[] m = new double[d];
        double[] v = new double[d];
        double loss = 0;
        for (int t = 1; t <= iterations; t++) {
            double[] grad = new double[d];
            loss = 0;
            for (Question q : questions) {
                loss += lossAndGradient(q, w, grad);
            }
            loss /= questions.size();
            for (int j = 0; j < d; j++) {
                double g = grad[j] / questions.size() + 2 * l2 * w[j];
                m[j] = 0.9 * m[j] + 0.1 * g;
                v[j] = 0.999 * v[j] + 0.001 * g * g;
                double mh = m[j] / (1 - Math.pow(0.9, t));
                double vh = v[j] / (1 - Math.pow(0.999, t));
                w[j] -= learningRate * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        return new Result(w, loss, top1(questions, w));
    }

    /** -log P(correct set); adds the gradient of that loss to {@code grad}. */
    static double lossAndGradient(Question q, double[] w, double[] grad) {
        int n = q.features().size();
        double[] p = softmax(q, w);
        double pCorrect = 0;
        for (int i = 0; i < n; i++) {
            pCorrect += q.correct()[i] ? p[i] : 0;
        }
        if (pCorrect <= 0) {
            return 0; // no correct candidate: nothing to learn from this question
        }
        for (int i = 0; i < n; i++) {
            double coefficient = p[i] - (q.correct()[i] ? p[i] / pCorrect : 0);
            double[] f = q.features().get(i);
            for (int j = 0; j < w.length; j++) {
                grad[j] += coefficient * f[j];
            }
        }
        return -Math.log(pCorrect);
    }

    public static double top1(List<Question> questions, double[] w) {
        int hits = 0;
        for (Question q : questions) {
            double[] p = softmax(q, w);
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                best = p[i] > p[best] ? i : best;
            }
            hits += q.correct()[best] ? 1 : 0;
        }
        return questions.isEmpty() ? 0 : hits / (double) questions.size();
    }

    private static double[] softmax(Question q, double[] w) {
        int n = q.features().size();
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double[] f = q.features().get(i);
            for (int j = 0; j < w.length; j++) {
                s[i] += w[j] * f[j];
            }
            max = Math.max(max, s[i]);
        }
        double z = 0;
        for (int i = 0; i < n; i++) {
            s[i] = Math.exp(s[i] - max);
            z += s[i];
        }
        for (int i = 0; i < n; i++) {
            s[i] /= z;
        }
        return s;
    }
}
