package ai.hybridchat.retrieval;

import ai.hybridchat.core.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDocumentLoaderTest {
    @TempDir
    Path dir;

    @Test
    void readsTextMarkdownAndHtmlWithTitlesAndStableIds() throws IOException {
        Files.writeString(dir.resolve("plain.txt"), "Just some words.\n\nA second paragraph.");
        Files.writeString(dir.resolve("guide.md"), "```\n# not a title\n```\nIntro line\n\n# The Real Title\n\nBody **text**.");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/page.HTML"), """
                <!DOCTYPE html><html><head><title>Page &amp; Title</title>
                <style>body { color: red }</style><script>var x = "<p>hidden</p>";</script></head>
                <body><h1>Heading</h1><p>First <a href="x" title="a>b">link</a> para.</p><!-- a comment -->
                <p>Second&nbsp;para: 3 &lt; 4 &#x2764; and a < b</p><ul><li>one</li><li>two</li></ul></body></html>
                """);

        LoadedDocuments loaded = new FileDocumentLoader().load(dir);

        assertEquals(List.of(), loaded.skipped());
        Map<String, Document> byId = loaded.documents().stream().collect(Collectors.toMap(Document::id, Function.identity()));
        assertEquals(Set.of("plain", "guide", "page"), byId.keySet());

        Document plain = byId.get("plain");
        assertEquals("plain", plain.title());
        assertEquals("Just some words.\n\nA second paragraph.", plain.text());
        assertEquals("plain.txt", plain.source());
        assertEquals("text", plain.metadata().get("format"));

        Document guide = byId.get("guide");
        assertEquals("The Real Title", guide.title());
        assertTrue(guide.text().contains("Body **text**."), guide.text());

        Document page = byId.get("page");
        assertEquals("Page & Title", page.title());
        assertEquals("sub/page.HTML", page.source());
        String text = page.text();
        assertFalse(text.contains("hidden"), text);
        assertFalse(text.contains("color"), text);
        assertFalse(text.contains("comment"), text);
        assertFalse(text.contains("<"+"p>"), text);
        assertTrue(text.contains("First link para."), text);
        assertTrue(text.contains("Second para: 3 < 4 \u2764 and a < b"), text);
        assertTrue(text.contains("Heading\n\nFirst link para."), text);
        assertTrue(text.contains("one\ntwo"), text);
    }

    @Test
    void readsThePagesAndTitleOfARealPdf() throws IOException {
        Path pdf = dir.resolve("annual-report.pdf");
        try (org.apache.pdfbox.pdmodel.PDDocument doc = new org.apache.pdfbox.pdmodel.PDDocument()) {
            doc.getDocumentInformation().setTitle("Annual Report 2023");
            for (String line : List.of("The kiln was rebuilt in March.", "Sales of lamps rose by 12 percent.")) {
                org.apache.pdfbox.pdmodel.PDPage page = new org.apache.pdfbox.pdmodel.PDPage();
                doc.addPage(page);
                try (var content = new org.apache.pdfbox.pdmodel.PDPageContentStream(doc, page)) {
                    content.beginText();
                    content.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(
                            org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(line);
                    content.endText();
                }
            }
            doc.save(pdf.toFile());
        }

        Document d = new FileDocumentLoader().loadFile(pdf);

        assertEquals("annual-report", d.id());
        assertEquals("Annual Report 2023", d.title());
        assertEquals("pdf", d.metadata().get("format"));
        assertEquals("2", d.metadata().get("pages"));
        assertTrue(d.text().contains("The kiln was rebuilt in March."), d.text());
        assertTrue(d.text().indexOf("kiln") < d.text().indexOf("Sales of lamps rose by 12 percent."), d.text());
    }

    @Test
    void unsupportedUnreadableAndEmptyFilesAreReportedAndSkipped() throws IOException {
        Files.writeString(dir.resolve("good.txt"), "Readable text.");
        Files.writeString(dir.resolve("slides.pdf"), "%PDF-1.4 not really");
        Files.writeString(dir.resolve("notes.docx"), "a word file");
        Files.write(dir.resolve("binary.txt"), new byte[] {'a', 0, 'b', 0});
        Files.writeString(dir.resolve("blank.md"), "   \n\n ");
        Files.writeString(dir.resolve("huge.txt"), "x".repeat(2000));
        Files.writeString(dir.resolve(".hidden.txt"), "not indexed");
        Path missing = dir.resolve("missing.txt");

        LoadedDocuments loaded = new FileDocumentLoader(1000).load(List.of(dir, missing));

        assertEquals(List.of("good"), loaded.documents().stream().map(Document::id).toList());
        Map<String, String> reasons = loaded.skipped().stream()
                .collect(Collectors.toMap(s -> s.path().getFileName().toString(), SkippedFile::reason));
        assertEquals(Set.of("slides.pdf", "notes.docx", "binary.txt", "blank.md", "huge.txt", "missing.txt"), reasons.keySet());
        assertTrue(reasons.get("slides.pdf").startsWith("not a readable PDF"), reasons.get("slides.pdf"));
        assertTrue(reasons.get("notes.docx").startsWith("unsupported file type '.docx'"), reasons.get("notes.docx"));
        assertTrue(reasons.get("binary.txt").contains("binary"), reasons.get("binary.txt"));
        assertEquals("no text (no letter or digit)", reasons.get("blank.md"));
        assertTrue(reasons.get("huge.txt").startsWith("file too large"), reasons.get("huge.txt"));
        assertEquals("no such file or folder", reasons.get("missing.txt"));
    }

    @Test
    void duplicateIdsKeepTheFirstAndReportTheSecond() throws IOException {
        Files.writeString(dir.resolve("notes.md"), "# Notes\n\nmarkdown version");
        Files.writeString(dir.resolve("notes.txt"), "text version");

        LoadedDocuments loaded = new FileDocumentLoader().load(dir);

        assertEquals(1, loaded.documents().size());
        assertEquals("markdown version", loaded.documents().get(0).text().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(1, loaded.skipped().size());
        assertTrue(loaded.skipped().get(0).reason().contains("already taken"), loaded.skipped().get(0).reason());
    }

    @Test
    void nonUtf8TextFallsBackToWindows1252AndBomIsDropped() throws IOException {
        Files.write(dir.resolve("latin.txt"), "caf\u00e9 cr\u00e8me".getBytes(Charset.forName("windows-1252")));
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "na\u00efve".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(body, 0, withBom, bom.length, body.length);
        Files.write(dir.resolve("bom.txt"), withBom);

        FileDocumentLoader loader = new FileDocumentLoader();

        assertEquals("caf\u00e9 cr\u00e8me", loader.loadFile(dir.resolve("latin.txt")).text());
        assertEquals("na\u00efve", loader.loadFile(dir.resolve("bom.txt")).text());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader.loadFile(dir.resolve("nope.docx")));
        assertTrue(e.getMessage().contains("unsupported"), e.getMessage());
    }
}
