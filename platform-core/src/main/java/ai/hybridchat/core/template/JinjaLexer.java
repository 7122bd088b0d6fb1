package ai.hybridchat.core.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and tag tokens, applying Jinja's whitespace rules as Hugging Face
 * configures them ({@code trim_blocks} and {@code lstrip_blocks} on): a block or comment tag
 * eats the first newline after it, spaces and tabs before a block or comment tag that starts
 * its line are dropped (unless the tag opens with {@code +}), and {@code -} inside a delimiter
 * strips all whitespace on that side. Inside tags it produces expression tokens.
 */
final class JinjaLexer {
    enum Kind { TEXT, PRINT_START, BLOCK_START, END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF }

    record Token(Kind kind, String text, int line) {
        boolean isName(String t) {
            return kind == Kind.NAME && text.equals(t);
        }

        boolean isOp(String t) {
            return kind == Kind.OPERATOR && text.equals(t);
        }

        @Override
        public String toString() {
            return kind == Kind.EOF ? "end of template" : "'" + text + "'";
        }
    }

    private static final String[] OPERATORS = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">",
            "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", "|"};

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;

    private JinjaLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String template) {
        JinjaLexer lexer = new JinjaLexer(template);
        lexer.run();
        return lexer.out;
    }

    private void run() {
        StringBuilder text = new StringBuilder();
        boolean stripNextWhitespace = false;
        while (pos < src.length()) {
            boolean lineStarting = pos == 0 || src.charAt(pos - 1) == '\n';
            int open = nextTag(pos);
            String chunk = src.substring(pos, open < 0 ? src.length() : open);
            if (stripNextWhitespace) {
                chunk = stripLeading(chunk);
                stripNextWhitespace = false;
            }
            text.append(chunk);
            if (open < 0) {
                pos = src.length();
                break;
            }
            char kind = src.charAt(open + 1);
            int inner = open + 2;
            boolean stripBefore = inner < src.length() && src.charAt(inner) == '-';
            boolean keepBefore = inner < src.length() && src.charAt(inner) == '+';
            if (stripBefore) {
                stripTrailing(text);
            } else if (!keepBefore && kind != '{') {
                lstripBlock(text, lineStarting);
            }
            if (stripBefore || keepBefore) {
                inner++;
            }
            emitText(text);
            line += count(src, pos, open);
            pos = inner;
            if (kind == '#') {
                int end = src.indexOf("#}", pos);
                if (end < 0) {
                    throw new TemplateException("unclosed comment at line " + line);
                }
                boolean stripAfter = end > pos && src.charAt(end - 1) == '-';
                line += count(src, pos, end);
                pos = end + 2;
                stripNextWhitespace = stripAfter;
                if (!stripAfter) {
                    trimBlock();
                }
                continue;
            }
            out.add(new Token(kind == '{' ? Kind.PRINT_START : Kind.BLOCK_START, kind == '{' ? "{{" : "{%", line));
            boolean stripAfter = expressionTokens(kind == '{' ? "}}" : "%}");
            stripNextWhitespace = stripAfter;
            if (kind == '%' && !stripAfter) {
                trimBlock();
            }
        }
        if (stripNextWhitespace) {
            stripTrailing(text);
        }
        emitText(text);
        out.add(new Token(Kind.EOF, "", line));
    }

    /** trim_blocks: the first newline after a block or comment tag is removed. */
    private void trimBlock() {
        if (src.startsWith("\r\n", pos)) {
            pos += 2;
            line++;
        } else if (pos < src.length() && (src.charAt(pos) == '\n' || src.charAt(pos) == '\r')) {
            pos++;
            line++;
        }
    }

    /**
     * lstrip_blocks: spaces and tabs between the start of a line and a block tag are removed
     * ({@code lineStarting}: the text before the tag begins a line of the source).
     */
    private static void lstripBlock(StringBuilder text, boolean lineStarting) {
        int lineStart = text.lastIndexOf("\n") + 1;
        if (lineStart == 0 && !lineStarting) {
            return;
        }
        for (int i = lineStart; i < text.length(); i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return;
            }
        }
        text.setLength(lineStart);
    }

    private void emitText(StringBuilder text) {
        if (!text.isEmpty()) {
            out.add(new Token(Kind.TEXT, text.toString(), line));
            text.setLength(0);
        }
    }

    private int nextTag(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** The tokens of an expression up to {@code end}; true when the closing delimiter strips what follows. */
    private boolean expressionTokens(String end) {
        int depth = 0;
        while (true) {
            skipSpaces();
            if (pos >= src.length()) {
                throw new TemplateException("unclosed tag at line " + line + ": expected " + end);
            }
            if (depth == 0 && src.startsWith("-" + end, pos)) {
                pos += 1 + end.length();
                out.add(new Token(Kind.END, end, line));
                return true;
            }
            if (depth == 0 && (src.startsWith(end, pos) || src.startsWith("+" + end, pos))) {
                pos += src.charAt(pos) == '+' ? 1 + end.length() : end.length();
                out.add(new Token(Kind.END, end, line));
                return false;
            }
            char c = src.charAt(pos);
            if (c == '\'' || c == '"') {
                out.add(new Token(Kind.STRING, string(c), line));
            } else if (Character.isDigit(c)) {
                number();
            } else if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    pos++;
                }
                out.add(new Token(Kind.NAME, src.substring(start, pos), line));
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (src.startsWith(o, pos)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) {
                    throw new TemplateException("unexpected character '" + c + "' at line " + line);
                }
                if (op.equals("(") || op.equals("[") || op.equals("{")) {
                    depth++;
                } else if (op.equals(")") || op.equals("]") || op.equals("}")) {
                    depth--;
                }
                pos += op.length();
                out.add(new Token(Kind.OPERATOR, op, line));
            }
        }
    }

    private void skipSpaces() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            if (src.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private void number() {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        boolean isFloat = false;
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        out.add(new Token(isFloat ? Kind.FLOAT : Kind.INTEGER, src.substring(start, pos).replace("_", ""), line));
    }

    /** A Python string literal's value (the escapes Python knows). */
    private String string(char quote) {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new TemplateException("unclosed string at line " + line);
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (c != '\\' || pos >= src.length()) {
                sb.append(c);
                continue;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case '\'' -> sb.append('\'');
                case '"' -> sb.append('"');
                case '0' -> sb.append('\0');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000B');
                case '\n' -> line++;
                case 'x' -> {
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 2), 16));
                    pos += 2;
                }
                case 'u' -> {
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                case 'U' -> {
                    sb.appendCodePoint(Integer.parseInt(src.substring(pos, pos + 8), 16));
                    pos += 8;
                }
                default -> sb.append('\\').append(e);
            }
        }
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static void stripTrailing(StringBuilder sb) {
        int i = sb.length();
        while (i > 0 && Character.isWhitespace(sb.charAt(i - 1))) {
            i--;
        }
        sb.setLength(i);
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            n += s.charAt(i) == '\n' ? 1 : 0;
        }
        return n;
    }
}
