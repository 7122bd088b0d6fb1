package ai.hybridchat.tuning.pretrain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jsoup.Jsoup;

/**
 * Plain text for pre-training from files or folders: {@code .txt}, {@code .md}, gzip'd text
 * ({@code .txt.gz}, as Debian ships its documentation) and HTML (text extracted with jsoup).
 */
public final class Corpus {
    private Corpus() {
    }

    public static List<String> read(List<Path> paths) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("corpus path does not exist: " + path);
            }
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String text = readFile(file);
                    if (text != null && !text.isBlank()) {
                        texts.add(normalise(text));
                    }
                }
            }
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no readable text (.txt, .txt.gz, .md, .html) found in " + paths);
        }
        return texts;
    }

    static String readFile(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt") || name.endsWith(".md")) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        if (name.endsWith(".txt.gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            // one paragraph per block element, so prose is not glued to navigation and code
            var blocks = Jsoup.parse(file.toFile(), "UTF-8").select("p, div.para, li, dd, dt, h1, h2, h3, h4, td");
            StringBuilder sb = new StringBuilder();
            for (var block : blocks) {
                // keep the innermost blocks only, so nested text is not repeated
                if (block.select("p, div.para, li, dd").size() == 1) {
                    sb.append(block.text()).append("\n\n");
                }
            }
            return sb.toString();
        }
        return null;
    }

    /** Collapses layout whitespace (indentation, hard-wrapped lines) into paragraphs of single-spaced prose. */
    static String normalise(String text) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : text.replace("\r", "").split("\n\\s*\n")) {
            String p = paragraph.replaceAll("[\\s\\u00A0\\u2000-\\u200B]+", " ").strip();
            if (!p.isEmpty()) {
                out.append(p).append('\n');
            }
        }
        return out.toString();
    }
}
