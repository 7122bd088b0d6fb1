package ai.hybridchat.retrieval;

import java.util.Arrays;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.queryparser.classic.QueryParserBase;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;

/**
 * The BM25 query for what a user typed. The text is taken literally: Lucene syntax characters are
 * escaped with {@link QueryParserBase#escape}, and the text is lower-cased first because the
 * classic parser treats upper-case {@code AND}, {@code OR} and {@code NOT} as operators even when
 * escaped characters surround them (the analyser lower-cases anyway, so no match is lost). Terms
 * are OR-ed, as BM25 expects. Very long input is cut to its first {@value #MAX_WORDS} words so the
 * query stays under Lucene's clause limit.
 */
final class LexicalQuery {
    static final int MAX_WORDS = 512;

    private LexicalQuery() {
    }

    /** The query text, checked: a null or blank query is an {@link IllegalArgumentException}. */
    static String requireText(String query) {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("query must not be empty");
        }
        return query.strip();
    }

    /** The text as both engines parse it: cut to {@value #MAX_WORDS} words, lower-cased, its syntax escaped. */
    static String literal(String query) {
        String text = requireText(query);
        String[] words = text.split("\\s+");
        if (words.length > MAX_WORDS) {
            text = String.join(" ", Arrays.copyOf(words, MAX_WORDS));
        }
        return QueryParserBase.escape(text.toLowerCase(Locale.ROOT));
    }

    static Query parse(String query, Analyzer analyzer) {
        String text = requireText(query);
        String[] words = text.split("\\s+");
        if (words.length > MAX_WORDS) {
            text = String.join(" ", Arrays.copyOf(words, MAX_WORDS));
        }
        // the text and the title it lacks (ChunkContext), each scored by BM25 and summed
        QueryParser parser = new MultiFieldQueryParser(
                new String[] {ChunkSchema.TEXT, ChunkSchema.CONTEXT}, analyzer);
        try {
            Query parsed = parser.parse(QueryParserBase.escape(text.toLowerCase(Locale.ROOT)));
            return parsed == null ? new MatchNoDocsQuery("no searchable terms") : parsed;
        } catch (ParseException e) {
            throw new IllegalArgumentException("cannot parse query '" + abbreviate(text) + "': " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
