package ai.hybridchat.retrieval;

import ai.hybridchat.core.reader.ReaderFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Content words as the index sees them: Lucene's {@link EnglishAnalyzer} (stopwords out,
 * possessives off, Porter stems), so the reader's overlap features match "designer" with
 * "designed" and "weighs" with "weigh" as BM25 does. Thread-safe (Lucene analysers reuse a token
 * stream per thread).
 */
public final class EnglishTerms implements ReaderFeatures.Terms {
    private final Analyzer analyzer = new EnglishAnalyzer();

    @Override
    public Set<String> of(String text) {
        Set<String> out = new HashSet<>();
        try (TokenStream stream = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                out.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
