package ai.hybridchat.retrieval;

import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.search.uhighlight.PassageFormatter;

/**
 * Formats the best passage (a sentence, from the highlighter) as a citation snippet of at most
 * {@code maxChars} characters of text, with whitespace collapsed and matched terms marked in the
 * {@link SnippetStyle}.
 *
 * <p>A passage longer than the budget is cut to a window that starts a quarter of the budget
 * before its first match (so the match has some context before it) and ends at a word boundary,
 * with an ellipsis at each cut end. A match is marked only when it lies wholly inside the window,
 * so markup is never split.
 */
final class SnippetFormatter extends PassageFormatter {
    private static final String ELLIPSIS = "\u2026";

    private final int maxChars;
    private final SnippetStyle style;

    SnippetFormatter(int maxChars, SnippetStyle style) {
        this.maxChars = maxChars;
        this.style = style;
    }

    @Override
    public Object format(Passage[] passages, String content) {
        if (passages.length == 0) {
            return null;
        }
        Passage p = passages[0];
        int start = p.getStartOffset();
        int end = p.getEndOffset();
        while (start < end && Character.isWhitespace(content.charAt(start))) {
            start++;
        }
        boolean cutStart = false;
        boolean cutEnd = false;
        if (end - start > maxChars) {
            int anchor = p.getNumMatches() > 0 ? p.getMatchStarts()[0] : start;
            int from = Math.max(start, anchor - maxChars / 4);
            if (from > start) {
                from = nextWordStart(content, from, anchor);
                cutStart = true;
            }
            start = from;
            int to = start + maxChars;
            to = wordEnd(content, start, to);
            cutEnd = to < end;
            end = Math.min(end, to);
        }
        StringBuilder out = new StringBuilder(maxChars + 32);
        if (cutStart) {
            out.append(ELLIPSIS);
        }
        int cursor = start;
        for (int m = 0; m < p.getNumMatches(); m++) {
            int ms = p.getMatchStarts()[m];
            int me = p.getMatchEnds()[m];
            if (ms < cursor || me > end) {
                continue;
            }
            append(out, content, cursor, ms);
            out.append(style.pre);
            append(out, content, ms, me);
            out.append(style.post);
            cursor = me;
        }
        append(out, content, cursor, end);
        String snippet = out.toString().strip();
        return cutEnd ? snippet + ELLIPSIS : snippet;
    }

    /** The opening of a text with no match to show: its first {@code maxChars} characters, ending on a word. */
    String leading(String content) {
        int start = 0;
        while (start < content.length() && Character.isWhitespace(content.charAt(start))) {
            start++;
        }
        int end = content.length();
        boolean cut = false;
        if (end - start > maxChars) {
            end = wordEnd(content, start, start + maxChars);
            cut = true;
        }
        StringBuilder out = new StringBuilder(maxChars + 8);
        append(out, content, start, end);
        String snippet = out.toString().strip();
        return cut ? snippet + ELLIPSIS : snippet;
    }

    /** {@code i}, or the start of the next word when {@code i} is inside one (never past {@code limit}). */
    private static int nextWordStart(String s, int i, int limit) {
        if (i == 0 || Character.isWhitespace(s.charAt(i - 1))) {
            return i;
        }
        int j = i;
        while (j < limit && !Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        while (j < limit && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** {@code end}, or the end of the last whole word before it when it falls inside a word. */
    private static int wordEnd(String s, int start, int end) {
        if (end >= s.length()) {
            return s.length();
        }
        if (Character.isWhitespace(s.charAt(end)) || Character.isWhitespace(s.charAt(end - 1))) {
            return end;
        }
        int j = end;
        while (j > start && !Character.isWhitespace(s.charAt(j - 1))) {
            j--;
        }
        return j > start ? j : end;
    }

    /** Appends {@code s[from, to)} with whitespace runs collapsed to one space, escaped if the style says so. */
    private void append(StringBuilder out, String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
                continue;
            }
            if (style.escapeHtml) {
                switch (c) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&#39;");
                    default -> out.append(c);
                }
            } else {
                out.append(c);
            }
        }
    }
}
