package ai.hybridchat.tuning.train;

/** Linear warm-up to the peak, then cosine decay to {@code minRatio * peak} at the last step. */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minRatio) {
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = totalSteps <= warmupSteps ? 1.0
                : Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps - 1));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minRatio + (1 - minRatio) * cosine);
    }
}
