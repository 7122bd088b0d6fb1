package ai.hybridchat.server.bench;

import ai.hybridchat.core.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code platform bench classification}: the learning curve of the pretrained encoder against three others. */
@Command(name = "classification", mixinStandardHelpOptions = true,
        description = "Learning curve on apt's package descriptions by section: pretrained MiniLM fine-tuned vs the same "
                + "architecture from random init vs the demo decoder's last-layer classifier vs TF-IDF + logistic regression.")
final class ClassificationCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--packages", paramLabel = "FILE", description = "A Packages file (plain); default: this machine's main list in --apt-lists.")
    Path packages;

    @Option(names = "--apt-lists", paramLabel = "DIR", defaultValue = "/var/lib/apt/lists",
            description = "Where apt keeps its package lists (default: ${DEFAULT-VALUE}).")
    Path aptLists;

    @Option(names = "--sections", defaultValue = "10", description = "The largest sections to classify (default: ${DEFAULT-VALUE}).")
    int sections;

    @Option(names = "--skip-sections", defaultValue = "0",
            description = "Skip this many of the largest sections first: the next --sections are a development domain "
                    + "for choosing settings, kept apart from the reported one (default: ${DEFAULT-VALUE}).")
    int skipSections;

    @Option(names = "--sizes", split = ",", defaultValue = "8,32,128,all",
            description = "Training examples per class, 'all' for every one (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--repeats", defaultValue = "3", description = "Draws of each size up to --repeat-up-to (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--repeat-up-to", defaultValue = "32", description = "Largest size drawn --repeats times (default: ${DEFAULT-VALUE}).")
    int repeatUpTo;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs of every neural run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--large-epochs", defaultValue = "2",
            description = "Epochs when a training set has more than --large-above examples (default: ${DEFAULT-VALUE}).")
    int largeEpochs;

    @Option(names = "--large-above", defaultValue = "3000", description = "See --large-epochs (default: ${DEFAULT-VALUE}).")
    int largeAbove;

    @Option(names = "--batch", defaultValue = "16", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "64", description = "Tokens per text (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--test-per-class", defaultValue = "200", description = "Test texts per section (default: ${DEFAULT-VALUE}).")
    int testPerClass;

    @Option(names = "--test-share", defaultValue = "0.2", description = "Share of source packages held out for test (default: ${DEFAULT-VALUE}).")
    double testShare;

    @Option(names = "--systems", split = ",", description = "Which systems to run: pretrained, random, decoder, tfidf (default: all).")
    List<String> systems;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the draws and the runs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "A Python with scikit-learn and matplotlib (Debian's python3-sklearn, python3-matplotlib; default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--plot", paramLabel = "FILE", description = "Write the learning curve as a PNG here.")
    Path plot;

    @Option(names = "--results", paramLabel = "FILE", description = "Write every run's scores as JSON here.")
    Path results;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PackageDescriptions all;
        if (packages != null) {
            try (Reader r = Files.newBufferedReader(packages, StandardCharsets.UTF_8)) {
                all = PackageDescriptions.parse(r);
            }
        } else {
            all = PackageDescriptions.fromApt(aptLists);
        }
        List<String> chosen = all.largestSections(skipSections + sections);
        chosen = chosen.subList(Math.min(skipSections, chosen.size()), chosen.size());
        PackageDescriptions.Split split = all.split(chosen, testShare, testPerClass, seed);
        List<Integer> perClass = new ArrayList<>();
        for (String s : sizes) {
            perClass.add(s.equals("all") ? 0 : Integer.parseInt(s));
        }
        List<String> names = new ArrayList<>();
        for (String s : systems == null ? List.of("pretrained", "random", "decoder", "tfidf") : systems) {
            names.add(switch (s) {
                case "pretrained" -> ClassificationBenchmark.PRETRAINED;
                case "random" -> ClassificationBenchmark.RANDOM;
                case "decoder" -> ClassificationBenchmark.DECODER;
                case "tfidf" -> ClassificationBenchmark.TFIDF;
                default -> throw new IllegalArgumentException("--systems: no system '" + s + "' (pretrained, random, decoder, tfidf)");
            });
        }
        out.printf(Locale.ROOT, "%d cores; %d packages; sections %s; training texts per section %s; %d test texts (sources held out: %.0f%%)%n",
                Runtime.getRuntime().availableProcessors(), all.entries().size(), chosen,
                chosen.stream().map(s -> s + " " + split.train().get(s).size()).toList(), split.test().size(), testShare * 100);
        out.printf(Locale.ROOT, "epochs %d (%d above %d examples), batch %d, max length %d, seed %d%n%n", epochs, largeEpochs, largeAbove,
                batch, maxLength, seed);
        out.flush();
        Path work = Files.createTempDirectory("classification-bench-");
        try {
            ClassificationBenchmark bench = new ClassificationBenchmark(new ClassificationBenchmark.Settings(perClass, repeats, repeatUpTo,
                    epochs, largeEpochs, largeAbove, batch, maxLength, seed, names), new PythonPeer(python), line -> {
                        spec.commandLine().getErr().println(line);
                        spec.commandLine().getErr().flush();
                    });
            List<ClassificationBenchmark.Point> points = bench.run(split, work);
            out.println("| system | examples per class | draws | accuracy (mean, sd over draws) | macro-F1 |");
            out.println("|---|---|---|---|---|");
            for (var system : ClassificationBenchmark.summary(points).entrySet()) {
                for (Map.Entry<Integer, double[]> size : system.getValue().entrySet()) {
                    double[] s = size.getValue();
                    out.printf(Locale.ROOT, "| %s | %s | %d | %.3f (%.3f) | %.3f |%n", system.getKey(),
                            size.getKey() == 0 ? "all" : size.getKey().toString(), (int) s[3], s[0], s[2], s[1]);
                }
            }
            Path json = results != null ? results : work.resolve("results.json");
            AtomicFiles.writeString(json, ClassificationBenchmark.json(points));
            if (plot != null) {
                new PythonPeer(python).run("classification_plot.py", List.of(json.toString(), plot.toString(), String.format(Locale.ROOT,
                        "apt package descriptions, %d sections (Debian %s main), %d test texts", chosen.size(),
                        debianRelease(), split.test().size())));
                out.println();
                out.println("plot: " + plot);
            }
            return 0;
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    private static String debianRelease() {
        try {
            return Files.readString(Path.of("/etc/debian_version")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
