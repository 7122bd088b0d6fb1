package ai.hybridchat.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control tokens of a tokenizer (its added tokens marked {@code special}: {@code <|im_end|>},
 * {@code <|eot_id|>}, {@code </s>}, the demo's {@code <|end|>}) and how text from users and
 * documents is kept from becoming one.
 *
 * <p>Hugging Face tokenizes a rendered chat prompt as one string, so a control-token string typed
 * by a user or present in a document becomes the control token itself and can forge a turn
 * boundary. Here the content of every message is <em>marked</em> before the template renders it:
 * every control-token string in it gets a {@link #MARK} after its first character, so it no
 * longer matches. After rendering, the control-token strings left in the prompt are exactly those
 * the template emitted; {@link #sentinelForm} replaces each with a sentinel (a string of
 * noncharacters that the literal tokenizer of {@link TextTokenizer} knows as that control token)
 * and then removes the marks, which restores the content's text. That one string is tokenized in
 * one call, so the segmentation is Hugging Face's own (added tokens split the input first, and
 * each piece between them goes through the normalizer and pre-tokenizer as usual): a prompt whose
 * content holds no control-token string gets exactly the ids Hugging Face gives it.
 *
 * <p>The marks and sentinels are Unicode noncharacters (U+FDD0 to U+FDEF), which the standard
 * reserves for a program's internal use and never for interchange; they are removed from content
 * before anything else.
 */
public final class ControlTokens {
    /** Breaks a control-token string inside content; removed again before tokenizing. */
    static final char MARK = '\uFDEF';
    private static final char SENTINEL_OPEN = '\uFDD0';
    private static final char SENTINEL_CLOSE = '\uFDD1';
    private static final Pattern NONCHARACTERS = Pattern.compile("[\uFDD0-\uFDEF]");

    private final List<String> tokens;
    private final Pattern anyToken;

    /** {@code tokens}: the special added tokens, in the order of the tokenizer's {@code added_tokens}. */
    ControlTokens(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        List<String> longestFirst = new ArrayList<>(tokens);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        StringBuilder alternation = new StringBuilder();
        for (String t : longestFirst) {
            if (!t.isEmpty()) {
                alternation.append(alternation.isEmpty() ? "" : "|").append(Pattern.quote(t));
            }
        }
        this.anyToken = alternation.isEmpty() ? null : Pattern.compile(alternation.toString());
    }

    /** The control-token strings, in the tokenizer's order. */
    public List<String> tokens() {
        return tokens;
    }

    /** The sentinel that stands for control token number {@code index} in the literal tokenizer. */
    static String sentinel(int index) {
        return SENTINEL_OPEN + Integer.toString(index) + SENTINEL_CLOSE;
    }

    /** Text without the noncharacters this class uses internally. */
    static String withoutNoncharacters(String text) {
        return NONCHARACTERS.matcher(text).replaceAll("");
    }

    /**
     * Content as data: internal noncharacters removed and every control-token string broken by a
     * mark, so that nothing in it matches a control token when the template's output is read.
     * Repeated until no control-token string is left (one token may hide inside another's text);
     * a one-character control token cannot be broken and is removed instead.
     */
    public String mark(String content) {
        String text = withoutNoncharacters(content);
        if (anyToken == null) {
            return text;
        }
        for (int pass = 0; pass < 16; pass++) {
            Matcher m = anyToken.matcher(text);
            if (!m.find()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length() + 8);
            int last = 0;
            do {
                out.append(text, last, m.start());
                String token = m.group();
                if (token.length() > 1) {
                    out.append(token.charAt(0)).append(MARK).append(token, 1, token.length());
                }
                last = m.end();
            } while (m.find());
            out.append(text, last, text.length());
            text = out.toString();
        }
        return anyToken.matcher(text).replaceAll("");
    }

    /**
     * A rendered prompt (content marked by {@link #mark}) with every control token the template
     * emitted replaced by its sentinel and the content's marks removed: the string the literal
     * tokenizer reads.
     */
    String sentinelForm(String rendered) {
        String text = rendered;
        if (anyToken != null) {
            Matcher m = anyToken.matcher(rendered);
            StringBuilder out = new StringBuilder(rendered.length() + 16);
            int last = 0;
            while (m.find()) {
                out.append(rendered, last, m.start()).append(sentinel(tokens.indexOf(m.group())));
                last = m.end();
            }
            out.append(rendered, last, rendered.length());
            text = out.toString();
        }
        return text.replace(String.valueOf(MARK), "");
    }
}
