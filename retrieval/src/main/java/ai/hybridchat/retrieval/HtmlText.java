package ai.hybridchat.retrieval;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain text and title from HTML, without an HTML parser on the classpath (LangChain4j 1.19 core has
 * none; its jsoup transformer is a separate module).
 *
 * <p>The steps, in order: drop comments and elements whose content is not prose ({@code script},
 * {@code style}, {@code head}, ...); take the title from {@code <title>}, else the first
 * {@code <h1>}; collapse source whitespace as a browser does; turn block-level tags into line or
 * paragraph breaks (adjacent ones merge, so {@code </li><li>} is one line break and the splitter
 * later sees paragraphs); remove the remaining tags with a
 * quote-aware pattern (so {@code <a title="x>y">} is one tag and a bare {@code a < b} is text);
 * decode character references last, so decoded {@code &lt;} can never be mistaken for a tag.
 */
final class HtmlText {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern TITLE = Pattern.compile("<title\\b[^>]*>(.*?)</title\\s*>", FLAGS);
    private static final Pattern H1 = Pattern.compile("<h1\\b[^>]*>(.*?)</h1\\s*>", FLAGS);
    private static final Pattern NON_PROSE = Pattern.compile(
            "<(script|style|noscript|template|svg|head|iframe|object|canvas)\\b[^>]*>.*?</\\1\\s*>", FLAGS);
    private static final Pattern PARAGRAPH_TAG = Pattern.compile(
            "</?(p|div|h[1-6]|section|article|header|footer|nav|aside|main|blockquote|pre|table|ul|ol|dl"
                    + "|figure|figcaption|form|address|details|summary|hr)\\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LINE_TAG = Pattern.compile(
            "</?(br|li|tr|dd|dt|caption)\\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern CELL_TAG = Pattern.compile("</?(td|th)\\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
            Pattern.CASE_INSENSITIVE);
    /** Placeholders for the breaks block tags make; a run of them becomes one break, the strongest in it. */
    private static final char PARAGRAPH_BREAK = '\u0001';
    private static final char LINE_BREAK = '\u0002';
    private static final Pattern BREAKS = Pattern.compile("[ \\t]*[\u0001\u0002][\u0001\u0002 \\t]*");
    private static final Pattern ANY_TAG = Pattern.compile("<[/!?]?[A-Za-z](?:\"[^\"]*\"|'[^']*'|[^'\">])*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("ndash", "\u2013"),
            Map.entry("mdash", "\u2014"), Map.entry("hellip", "\u2026"), Map.entry("lsquo", "\u2018"),
            Map.entry("rsquo", "\u2019"), Map.entry("ldquo", "\u201C"), Map.entry("rdquo", "\u201D"),
            Map.entry("laquo", "\u00AB"), Map.entry("raquo", "\u00BB"), Map.entry("bull", "\u2022"),
            Map.entry("middot", "\u00B7"), Map.entry("copy", "\u00A9"), Map.entry("reg", "\u00AE"),
            Map.entry("trade", "\u2122"), Map.entry("euro", "\u20AC"), Map.entry("pound", "\u00A3"),
            Map.entry("yen", "\u00A5"), Map.entry("cent", "\u00A2"), Map.entry("sect", "\u00A7"),
            Map.entry("deg", "\u00B0"), Map.entry("plusmn", "\u00B1"), Map.entry("times", "\u00D7"),
            Map.entry("divide", "\u00F7"), Map.entry("shy", ""), Map.entry("zwj", ""), Map.entry("zwnj", ""),
            Map.entry("eacute", "\u00E9"), Map.entry("egrave", "\u00E8"), Map.entry("agrave", "\u00E0"),
            Map.entry("aacute", "\u00E1"), Map.entry("auml", "\u00E4"), Map.entry("ouml", "\u00F6"),
            Map.entry("uuml", "\u00FC"), Map.entry("Auml", "\u00C4"), Map.entry("Ouml", "\u00D6"),
            Map.entry("Uuml", "\u00DC"), Map.entry("szlig", "\u00DF"), Map.entry("ccedil", "\u00E7"),
            Map.entry("ntilde", "\u00F1"), Map.entry("oacute", "\u00F3"), Map.entry("iacute", "\u00ED"),
            Map.entry("uacute", "\u00FA"), Map.entry("ecirc", "\u00EA"), Map.entry("larr", "\u2190"),
            Map.entry("rarr", "\u2192"));

    /** The readable text of a page and its title, if it has one. */
    record Extracted(Optional<String> title, String text) {
    }

    private HtmlText() {
    }

    static Extracted extract(String html) {
        String s = COMMENT.matcher(html).replaceAll(" ");
        Optional<String> title = inlineText(TITLE, s);
        s = NON_PROSE.matcher(s).replaceAll(" ");
        if (title.isEmpty()) {
            title = inlineText(H1, s);
        }
        s = s.replaceAll("\\s+", " ");
        s = s.replace(PARAGRAPH_BREAK, ' ').replace(LINE_BREAK, ' ');
        s = PARAGRAPH_TAG.matcher(s).replaceAll(String.valueOf(PARAGRAPH_BREAK));
        s = LINE_TAG.matcher(s).replaceAll(String.valueOf(LINE_BREAK));
        s = CELL_TAG.matcher(s).replaceAll(" ");
        s = ANY_TAG.matcher(s).replaceAll("");
        s = decodeEntities(s).replace('\u00A0', ' ');
        s = BREAKS.matcher(s).replaceAll(m -> m.group().indexOf(PARAGRAPH_BREAK) >= 0 ? "\n\n" : "\n");
        s = s.replaceAll("[ \\t]+", " ").replaceAll(" *\n *", "\n").strip();
        return new Extracted(title, s);
    }

    private static Optional<String> inlineText(Pattern element, String html) {
        Matcher m = element.matcher(html);
        if (!m.find()) {
            return Optional.empty();
        }
        String text = decodeEntities(ANY_TAG.matcher(m.group(1)).replaceAll(" "))
                .replace('\u00A0', ' ').replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    static String decodeEntities(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(decode(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decode(String ref, String original) {
        if (ref.charAt(0) != '#') {
            return NAMED.getOrDefault(ref, original);
        }
        boolean hex = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X');
        int cp = Integer.parseInt(ref.substring(hex ? 2 : 1), hex ? 16 : 10);
        if (cp == 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return "\uFFFD";
        }
        return new String(Character.toChars(cp));
    }
}
