package ai.hybridchat.server.eval;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.IndexedDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The error RAG exists to prevent: an answer that states a fact of another document. A key term
 * of the answer ({@link KeyFact#keyTerms}: a name or a number) that neither the question nor the
 * item's reference answer gives, that no document the item names contains, and that some other
 * document of the collection does, is a cross-document error. (A term of the reference answer is
 * the item's own truth: "Under the Quillon Sound Ferries bicycle policy, ..." restates it, though
 * the operator's name is only on other pages.) An invented term found in no document is not one (that is a
 * plain wrong answer, which fact accuracy counts).
 */
public final class CrossDocumentCheck {
    private final Map<String, Set<String>> wordsByDocument;

    /** @param documentTexts every document of the collection by id, its whole text */
    public CrossDocumentCheck(Map<String, String> documentTexts) {
        this.wordsByDocument = new LinkedHashMap<>();
        documentTexts.forEach((id, text) -> wordsByDocument.put(id, new HashSet<>(AnswerMetrics.words(text))));
    }

    /** The check over every document of an index (title and chunk texts). */
    public static CrossDocumentCheck of(ChunkIndex index) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (IndexedDocument d : index.documents()) {
            StringBuilder text = new StringBuilder(d.title() == null ? "" : d.title());
            index.chunks(d.docId()).forEach(c -> text.append('\n').append(c.text()));
            texts.put(d.docId(), text.toString());
        }
        return new CrossDocumentCheck(texts);
    }

    /** The answer's terms that come only from documents the item does not name; empty when none do. */
    public List<String> foreignTerms(String answer, QaItem item) {
        if (item.docIds().isEmpty()) {
            return List.of();
        }
        Set<String> given = new HashSet<>(AnswerMetrics.words(item.question()));
        given.addAll(AnswerMetrics.words(item.answer() == null ? "" : item.answer()));
        List<String> foreign = new ArrayList<>();
        for (String term : KeyFact.keyTerms(answer)) {
            if (given.contains(term)) {
                continue;
            }
            boolean named = false;
            boolean other = false;
            for (Map.Entry<String, Set<String>> d : wordsByDocument.entrySet()) {
                if (d.getValue().contains(term)) {
                    if (item.docIds().contains(d.getKey())) {
                        named = true;
                    } else {
                        other = true;
                    }
                }
            }
            if (other && !named) {
                foreign.add(term);
            }
        }
        return foreign;
    }
}
