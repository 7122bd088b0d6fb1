package ai.hybridchat.retrieval;

import java.util.regex.Pattern;

/**
 * The one rule for what text a document brings to the index. Control characters (other than tab,
 * line feed and carriage return) are dropped on loading, form and line-tabulation feeds become
 * line feeds; text is indexable when a letter or digit is left. The loader, the chunker and the
 * upload check all ask this class, so a file the loader accepts is one the index can hold (the
 * JDK's {@code isBlank} and LangChain4j's {@code trim()}-based check disagree on control
 * characters, which let a file of them through the loader and then fail every reindex).
 */
public final class DocumentText {
    private static final Pattern LINE_BREAKING_CONTROLS = Pattern.compile("[\\x0B\\x0C\\x85\\u2028\\u2029]");
    private static final Pattern OTHER_CONTROLS = Pattern.compile("[\\x00-\\x08\\x0E-\\x1F\\x7F-\\x9F]");

    private DocumentText() {
    }

    /** {@code text} without control characters, page and line-tabulation breaks as line feeds. */
    public static String clean(String text) {
        String lines = LINE_BREAKING_CONTROLS.matcher(text).replaceAll("\n");
        return OTHER_CONTROLS.matcher(lines).replaceAll("");
    }

    /** True when {@code text} has a letter or a digit: something a search can find. */
    public static boolean isIndexable(String text) {
        return text != null && text.codePoints().anyMatch(Character::isLetterOrDigit);
    }
}
