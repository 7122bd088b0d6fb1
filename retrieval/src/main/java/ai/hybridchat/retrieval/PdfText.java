package ai.hybridchat.retrieval;

import java.io.IOException;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** The text and title of a PDF, through Apache PDFBox (text in reading order, pages separated by blank lines). */
final class PdfText {
    record Extracted(Optional<String> title, String text, int pages) {
    }

    private PdfText() {
    }

    /** Throws {@link IllegalArgumentException} with a reason for a damaged or password-protected file. */
    static Extracted extract(byte[] bytes) {
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            stripper.setPageEnd("\n\n");
            String text = stripper.getText(pdf).replace("\r\n", "\n").strip();
            String title = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            return new Extracted(Optional.ofNullable(title).map(String::strip).filter(t -> !t.isEmpty()), text,
                    pdf.getNumberOfPages());
        } catch (InvalidPasswordException e) {
            throw new IllegalArgumentException("password-protected PDF");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a readable PDF (" + e.getMessage() + ")");
        }
    }
}
