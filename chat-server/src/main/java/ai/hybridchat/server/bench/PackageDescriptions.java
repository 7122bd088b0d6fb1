package ai.hybridchat.server.bench;

import ai.hybridchat.tuning.classify.LabeledText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Real text with real labels that every Debian machine has: the one-line descriptions of the
 * packages in apt's package lists, labelled by their archive section. Packages built from one
 * source often share a description up to a word ("GNU Fortran compiler" for a dozen cross
 * targets), so the split into training and test sets is by source package: no source has packages
 * on both sides, and a test text is never a near-copy of a training text from the same source.
 */
record PackageDescriptions(List<Entry> entries) {
    /** One binary package: its name, its source package, its section and its description. */
    record Entry(String name, String source, String section, String description) {
    }

    /** Training and test texts of the chosen sections. */
    record Split(List<String> sections, Map<String, List<LabeledText>> train, List<LabeledText> test) {
        /** {@code perClass} training texts of every section (all when fewer), drawn with {@code seed}. */
        List<LabeledText> sample(int perClass, long seed) {
            List<LabeledText> out = new ArrayList<>();
            for (String section : sections) {
                List<LabeledText> pool = new ArrayList<>(train.get(section));
                Collections.shuffle(pool, new Random(seed * 31 + section.hashCode()));
                out.addAll(pool.subList(0, Math.min(perClass, pool.size())));
            }
            Collections.shuffle(out, new Random(seed));
            return out;
        }

        int largestClass() {
            return train.values().stream().mapToInt(List::size).max().orElse(0);
        }
    }

    /** Reads a Packages file in deb822 form (stanzas separated by blank lines). */
    static PackageDescriptions parse(Reader text) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        BufferedReader in = new BufferedReader(text);
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line == null || line.isBlank()) {
                add(fields, entries);
                fields.clear();
                if (line == null) {
                    break;
                }
            } else if (!Character.isWhitespace(line.charAt(0))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
        }
        return new PackageDescriptions(entries);
    }

    private static void add(Map<String, String> f, List<Entry> entries) {
        String name = f.get("Package");
        String section = f.get("Section");
        String description = f.get("Description");
        if (name == null || section == null || description == null || description.isBlank()) {
            return;
        }
        // "Source: gcc-12 (12.2.0-14)": the version in parentheses is not part of the name
        String source = f.getOrDefault("Source", name).replaceAll("\\s*\\(.*\\)$", "");
        // "contrib/utils" and "utils" are one section
        entries.add(new Entry(name, source, section.substring(section.lastIndexOf('/') + 1), description));
    }

    /**
     * This machine's main package list for its architecture, decompressed by apt's own helper
     * ({@code apt-helper cat-file}), so every compression apt uses (lz4, xz, gz) reads alike.
     */
    static PackageDescriptions fromApt(Path listsDir) throws IOException, InterruptedException {
        Path file;
        try (Stream<Path> files = Files.list(listsDir)) {
            file = files.filter(p -> p.getFileName().toString().matches(".*_dists_[^_]+_main_binary-[^_]+_Packages(\\..*)?"))
                    .max(Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow(() -> new IllegalStateException("no main Packages list in " + listsDir
                            + " (run apt-get update, or pass --packages FILE)"));
        }
        Process p = new ProcessBuilder("/usr/lib/apt/apt-helper", "cat-file", file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        PackageDescriptions out;
        try (Reader r = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
            out = parse(r);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("apt-helper cat-file " + file + " failed with exit code " + p.exitValue());
        }
        return out;
    }

    /** The {@code count} sections with the most packages, largest first. */
    List<String> largestSections(int count) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        entries.forEach(e -> sizes.merge(e.section(), 1, Integer::sum));
        return sizes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(count).map(Map.Entry::getKey).toList();
    }

    /**
     * The packages of {@code sections}, split by source package: a fixed {@code testShare} of the
     * sources (by a hash of the source's name, so the split does not depend on the list's order or
     * on which sections are chosen) give the test set, at most {@code testPerClass} per section.
     */
    Split split(List<String> sections, double testShare, int testPerClass, long seed) {
        Set<String> chosen = new HashSet<>(sections);
        Map<String, List<LabeledText>> train = new LinkedHashMap<>();
        Map<String, List<LabeledText>> test = new LinkedHashMap<>();
        sections.forEach(s -> {
            train.put(s, new ArrayList<>());
            test.put(s, new ArrayList<>());
        });
        for (Entry e : entries) {
            if (chosen.contains(e.section())) {
                (isTest(e.source(), testShare) ? test : train).get(e.section()).add(new LabeledText(e.description(), e.section()));
            }
        }
        List<LabeledText> testSet = new ArrayList<>();
        for (String s : sections) {
            List<LabeledText> pool = test.get(s);
            Collections.shuffle(pool, new Random(seed * 17 + s.hashCode()));
            testSet.addAll(pool.subList(0, Math.min(testPerClass, pool.size())));
        }
        return new Split(sections, train, testSet);
    }

    static boolean isTest(String source, double share) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            int bucket = ((h[0] & 0xff) << 8 | (h[1] & 0xff)) % 1000;
            return bucket < share * 1000;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
