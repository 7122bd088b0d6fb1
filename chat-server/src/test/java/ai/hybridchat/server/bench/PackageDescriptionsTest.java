package ai.hybridchat.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.tuning.classify.LabeledText;
import java.io.StringReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** apt's deb822 stanzas to labelled texts; the split keeps every source package on one side. */
class PackageDescriptionsTest {
    static final String PACKAGES = """
            Package: zstd
            Source: libzstd
            Version: 1.5.4+dfsg2-5
            Description: fast lossless compression algorithm -- CLI tool
            Tag: implemented-in::c, interface::commandline,
             scope::utility, use::compressing
            Section: utils

            Package: libzstd-dev
            Source: libzstd (1.5.4+dfsg2-5)
            Description: fast lossless compression algorithm -- development files
            Section: libdevel

            Package: gcc-12-x86-64-linux-gnux32
            Source: gcc-12-cross
            Description: GNU C compiler (cross compiler for x32)
            Section: contrib/devel

            Package: no-section
            Description: a stanza without a section is skipped
            """;

    @Test
    void stanzasBecomeTextsLabelledBySectionWithTheirSourceWithoutVersion() throws Exception {
        PackageDescriptions p = PackageDescriptions.parse(new StringReader(PACKAGES));
        assertEquals(3, p.entries().size(), p.entries().toString());
        assertEquals(new PackageDescriptions.Entry("zstd", "libzstd", "utils", "fast lossless compression algorithm -- CLI tool"),
                p.entries().get(0), "a continuation line is not a field");
        assertEquals("libzstd", p.entries().get(1).source());
        assertEquals("devel", p.entries().get(2).section(), "an archive area prefix is not part of the section");
        assertEquals(List.of("devel", "libdevel", "utils"), p.largestSections(3), "ties in name order");
    }

    @Test
    void theSplitNeverPutsOneSourceOnBothSidesAndSamplesPerClass() {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < 400; s++) {
            for (String section : new String[] {"libs", "libdevel"}) {
                sb.append("Package: p").append(s).append('-').append(section).append("\nSource: src").append(s)
                        .append("\nSection: ").append(section).append("\nDescription: text ").append(s).append(' ').append(section)
                        .append("\n\n");
            }
        }
        PackageDescriptions p;
        try {
            p = PackageDescriptions.parse(new StringReader(sb.toString()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        PackageDescriptions.Split split = p.split(List.of("libs", "libdevel"), 0.2, 1000, 7);
        Set<String> testSources = new HashSet<>();
        for (LabeledText t : split.test()) {
            testSources.add(t.text().split(" ")[1]);
        }
        for (List<LabeledText> train : split.train().values()) {
            for (LabeledText t : train) {
                assertTrue(!testSources.contains(t.text().split(" ")[1]), "source " + t.text() + " on both sides");
            }
        }
        double share = split.test().size() / 800.0;
        assertTrue(share > 0.12 && share < 0.28, "about a fifth of the sources held out: " + share);
        List<LabeledText> eight = split.sample(8, 1);
        assertEquals(16, eight.size());
        assertEquals(8, eight.stream().filter(t -> t.label().equals("libs")).count());
        assertEquals(eight, split.sample(8, 1), "a draw is reproducible");
        assertTrue(!eight.equals(split.sample(8, 2)), "another seed draws others");
    }
}
