package ai.hybridchat.retrieval;

import ai.hybridchat.core.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads {@code .txt}, {@code .md}, {@code .html}/{@code .htm} and {@code .pdf} files, or folders of them
 * (recursively, hidden entries skipped, in path order), into {@link Document}s.
 *
 * <p>The document id is the file name without its extension, so re-ingesting a changed file
 * replaces the old version. A file that cannot be used (unsupported type, unreadable, binary,
 * too large, empty, or a second file with an id already taken in the same load) is not fatal: it
 * is returned in {@link LoadedDocuments#skipped()} with the reason and the others load.
 *
 * <p>Text is decoded as UTF-8 (a byte-order mark is dropped); bytes that are not UTF-8 fall back
 * to windows-1252, which is what such files usually are; UTF-16 is recognised by its byte-order
 * mark. Any other file with NUL bytes is binary. PDFs go through Apache PDFBox ({@link PdfText}); a
 * damaged or password-protected one is skipped with that reason.
 *
 * <p>Metadata: {@code path} (absolute), {@code format} ({@code text|markdown|html|pdf}) and
 * {@code charset} (or {@code pages} for a PDF). The {@code source} shown in citations is the path relative to the folder that
 * was given, or the file name for a file given directly, so server paths do not leak to users.
 */
public final class FileDocumentLoader {
    /** Files larger than this are skipped by default: 20 MiB. */
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;

    private static final Charset FALLBACK = Charset.forName("windows-1252");

    private final long maxBytes;

    public FileDocumentLoader() {
        this(DEFAULT_MAX_BYTES);
    }

    public FileDocumentLoader(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Loads every file and folder given; a path that does not exist is reported as skipped. */
    public LoadedDocuments load(Collection<Path> paths) {
        Map<String, Document> documents = new LinkedHashMap<>();
        Map<String, Path> origins = new HashMap<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (Path root : paths) {
            if (!Files.exists(root)) {
                skipped.add(new SkippedFile(root, "no such file or folder"));
                continue;
            }
            for (Path file : files(root, skipped)) {
                Path base = Files.isDirectory(root) ? root : root.toAbsolutePath().getParent();
                loadFile(file, base, documents, origins, skipped);
            }
        }
        return new LoadedDocuments(new ArrayList<>(documents.values()), skipped);
    }

    public LoadedDocuments load(Path... paths) {
        return load(List.of(paths));
    }

    /** Reads one file; throws {@link IllegalArgumentException} with the reason when it cannot. */
    public Document loadFile(Path file) {
        Map<String, Document> documents = new LinkedHashMap<>();
        List<SkippedFile> skipped = new ArrayList<>();
        loadFile(file, file.toAbsolutePath().getParent(), documents, new HashMap<>(), skipped);
        if (!skipped.isEmpty()) {
            throw new IllegalArgumentException(skipped.get(0).toString());
        }
        return documents.values().iterator().next();
    }

    /**
     * The files of {@code folder} a load reads as documents: walked recursively, hidden entries
     * skipped, of a supported type, in path order (what admin deletes and checks of a document id
     * must see, so they agree with a reindex).
     */
    public static List<Path> documentFiles(Path folder) {
        return files(folder, new ArrayList<>()).stream().filter(f -> FileFormat.of(f).isPresent()).toList();
    }

    private static List<Path> files(Path root, List<SkippedFile> skipped) {
        if (!Files.isDirectory(root)) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root))
                    .filter(p -> !isHidden(root.relativize(p)))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            skipped.add(new SkippedFile(root, "cannot list folder: " + message(e)));
            return List.of();
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private void loadFile(Path file, Path base, Map<String, Document> documents, Map<String, Path> origins,
                          List<SkippedFile> skipped) {
        FileFormat format = FileFormat.of(file).orElse(null);
        if (format == null) {
            String ext = FileFormat.extension(file);
            skipped.add(new SkippedFile(file, "unsupported file type " + (ext.isEmpty() ? "(no extension)" : "'." + ext + "'")
                    + "; supported: " + FileFormat.supportedList()));
            return;
        }
        String id = FileFormat.documentId(file);
        if (origins.containsKey(id)) {
            skipped.add(new SkippedFile(file, "document id '" + id + "' is already taken by " + origins.get(id)));
            return;
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                skipped.add(new SkippedFile(file, "file too large: " + size + " bytes (limit " + maxBytes + ")"));
                return;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            skipped.add(new SkippedFile(file, "unreadable: " + message(e)));
            return;
        }
        if (format == FileFormat.PDF) {
            try {
                PdfText.Extracted pdf = PdfText.extract(bytes);
                add(file, base, id, pdf.title().orElse(null), pdf.text(), format,
                        Map.of("pages", String.valueOf(pdf.pages())), documents, origins, skipped);
            } catch (IllegalArgumentException e) {
                skipped.add(new SkippedFile(file, e.getMessage()));
            }
            return;
        }
        Decoded decoded = decode(bytes);
        if (decoded == null) {
            skipped.add(new SkippedFile(file, "binary content, not text"));
            return;
        }
        String title = null;
        String text = decoded.text;
        if (format == FileFormat.MARKDOWN) {
            title = MarkdownText.title(text).orElse(null);
        } else if (format == FileFormat.HTML) {
            HtmlText.Extracted html = HtmlText.extract(text);
            title = html.title().orElse(null);
            text = html.text();
        }
        add(file, base, id, title, text, format, Map.of("charset", decoded.charset.name()), documents, origins, skipped);
    }

    private static void add(Path file, Path base, String id, String title, String text, FileFormat format,
                            Map<String, String> extra, Map<String, Document> documents, Map<String, Path> origins,
                            List<SkippedFile> skipped) {
        text = DocumentText.clean(text);
        title = title == null ? null : DocumentText.clean(title).strip();
        if (!DocumentText.isIndexable(text)) {
            skipped.add(new SkippedFile(file, "no text (no letter or digit)"));
            return;
        }
        Path absolute = file.toAbsolutePath().normalize();
        String source = base == null ? file.getFileName().toString()
                : base.toAbsolutePath().normalize().relativize(absolute).toString();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("path", absolute.toString());
        metadata.put("format", format.name().toLowerCase(Locale.ROOT));
        metadata.putAll(extra);
        documents.put(id, new Document(id, title == null || title.isEmpty() ? null : title, source, text, Map.copyOf(metadata)));
        origins.put(id, file);
    }

    private record Decoded(String text, Charset charset) {
    }

    /** The text of the bytes, or null when they are binary. */
    private static Decoded decode(byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF
                || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)) {
            return new Decoded(new String(bytes, StandardCharsets.UTF_16).replace("\uFEFF", ""), StandardCharsets.UTF_16);
        }
        if (indexOf(bytes, (byte) 0) >= 0) {
            return null;
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        ByteBuffer buffer = ByteBuffer.wrap(bytes, start, bytes.length - start);
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer).toString();
            return new Decoded(text, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            return new Decoded(new String(bytes, FALLBACK), FALLBACK);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return m == null ? kind : kind + " (" + m + ")";
    }
}
