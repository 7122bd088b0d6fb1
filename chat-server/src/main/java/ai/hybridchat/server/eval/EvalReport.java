package ai.hybridchat.server.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes an evaluation as {@code report.json} (summary and every answer) and {@code report.md} (the summary table). */
public final class EvalReport {
    private EvalReport() {
    }

    public static void write(Path dir, Map<String, Object> about, EvalRunner.Result result) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>(about);
        json.put("summary", result.summaries());
        json.put("answers", result.rows());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("report.json").toFile(), json);
        StringBuilder md = new StringBuilder("# Evaluation\n\n");
        about.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n').append(table(result));
        md.append("\nF1: word overlap with the reference answer (SQuAD normalisation). Fact: the answer contains the item's "
                + "key fact (its `fact`, else the names and numbers of the reference the question does not give). "
                + "Supported: of rag and hybrid answers, the fact is also in a cited passage. Cross-doc: answers stating a "
                + "name or number found only in documents the item does not name. Cited: a cited passage comes from a "
                + "document the item names. Latency: whole answer, ms.\n");
        List<EvalRunner.Row> wrong = result.rows().stream()
                .filter(r -> Boolean.FALSE.equals(r.factHit()) || r.foreignTerms() != null && !r.foreignTerms().isEmpty())
                .toList();
        if (!wrong.isEmpty()) {
            md.append("\n## Answers without their fact or with another document's\n\n");
            for (EvalRunner.Row r : wrong) {
                md.append("- **").append(r.mode()).append("** ").append(r.question()).append(" -> ").append(r.answer().strip())
                        .append(" (fact: ").append(r.fact())
                        .append(r.foreignTerms() == null || r.foreignTerms().isEmpty() ? "" : "; from other documents: "
                                + String.join(", ", r.foreignTerms()))
                        .append("; cited: ").append(String.join(", ", r.citedDocs())).append(")\n");
            }
        }
        Files.writeString(dir.resolve("report.md"), md.toString());
    }

    public static String table(EvalRunner.Result result) {
        StringBuilder sb = new StringBuilder("| mode | questions | F1 | fact | supported | cross-doc | cited | latency mean | p50 | p95 |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (EvalRunner.ModeSummary s : result.summaries()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %s | %s | %s | %s | %d | %d | %d |%n", s.mode(), s.questions(),
                    s.meanF1(), pct(s.factAccuracy()), pct(s.supportedRate()),
                    s.crossDocumentErrors() == null ? "n/a" : s.crossDocumentErrors().toString(), pct(s.citationHitRate()),
                    s.meanLatencyMs(), s.p50LatencyMs(), s.p95LatencyMs()));
        }
        return sb.toString();
    }

    private static String pct(Double rate) {
        return rate == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }
}
