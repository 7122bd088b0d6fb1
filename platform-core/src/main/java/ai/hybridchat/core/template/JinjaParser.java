package ai.hybridchat.core.template;

import ai.hybridchat.core.template.JinjaLexer.Kind;
import ai.hybridchat.core.template.JinjaLexer.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the tokens of {@link JinjaLexer} into {@link Node}s with Jinja's grammar and
 * precedence: conditional expressions, {@code or}, {@code and}, {@code not}, comparisons and
 * {@code in}, {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary minus, then primaries
 * with attribute, item, slice and call suffixes, filters and tests (which bind tighter than
 * arithmetic: {@code x | length - 1} is {@code (x | length) - 1}, {@code not x is none} is
 * {@code not (x is none)}).
 */
final class JinjaParser {
    private final List<Token> tokens;
    private int at;

    private JinjaParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String template) {
        JinjaParser p = new JinjaParser(JinjaLexer.tokenize(template));
        List<Node> body = p.body(Set.of());
        if (p.peek().kind() != Kind.EOF) {
            throw p.error("unexpected " + p.peek());
        }
        return body;
    }

    // ---- statements

    /** Nodes up to a block tag whose keyword is in {@code ends} (left unconsumed), or the end. */
    private List<Node> body(Set<String> ends) {
        List<Node> out = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF -> {
                    if (!ends.isEmpty()) {
                        throw error("missing {% " + String.join(" / ", ends) + " %}");
                    }
                    return out;
                }
                case TEXT -> {
                    next();
                    out.add(new Node.Text(t.text()));
                }
                case PRINT_START -> {
                    next();
                    Node.Expr e = expression();
                    expect(Kind.END, "}}");
                    out.add(new Node.Print(e));
                }
                case BLOCK_START -> {
                    Token keyword = tokens.get(at + 1);
                    if (keyword.kind() == Kind.NAME && ends.contains(keyword.text())) {
                        return out;
                    }
                    next();
                    out.add(statement());
                }
                default -> throw error("unexpected " + t);
            }
        }
    }

    private Node statement() {
        Token keyword = next();
        if (keyword.kind() != Kind.NAME) {
            throw error("expected a statement, got " + keyword);
        }
        return switch (keyword.text()) {
            case "if" -> ifStatement();
            case "for" -> forStatement();
            case "set" -> setStatement();
            case "break" -> {
                endTag();
                yield new Node.Break();
            }
            case "continue" -> {
                endTag();
                yield new Node.Continue();
            }
            case "generation" -> {
                // transformers' {% generation %} marks assistant text for masks; it renders its body
                endTag();
                List<Node> inner = body(Set.of("endgeneration"));
                closeBlock("endgeneration");
                yield new Node.Block(inner);
            }
            default -> throw error("unsupported statement '" + keyword.text() + "'");
        };
    }

    private Node ifStatement() {
        Node.Expr test = expression();
        endTag();
        List<Node> then = body(Set.of("elif", "else", "endif"));
        next();
        Token which = next();
        List<Node> otherwise = List.of();
        if (which.isName("elif")) {
            otherwise = List.of(ifStatement());
            return new Node.If(test, then, otherwise);
        }
        if (which.isName("else")) {
            endTag();
            otherwise = body(Set.of("endif"));
            next();
            next();
        }
        endTag();
        return new Node.If(test, then, otherwise);
    }

    private Node forStatement() {
        List<String> targets = new ArrayList<>();
        targets.add(name());
        while (peek().isOp(",")) {
            next();
            targets.add(name());
        }
        if (!next().isName("in")) {
            throw error("expected 'in' in a for loop");
        }
        Node.Expr iterable = conditionalFree();
        Node.Expr filter = null;
        if (peek().isName("if")) {
            next();
            filter = expression();
        }
        if (peek().isName("recursive")) {
            throw error("recursive loops are not supported");
        }
        endTag();
        List<Node> loopBody = body(Set.of("else", "endfor"));
        next();
        Token which = next();
        List<Node> empty = List.of();
        if (which.isName("else")) {
            endTag();
            empty = body(Set.of("endfor"));
            next();
            next();
        }
        endTag();
        return new Node.For(targets, iterable, filter, loopBody, empty);
    }

    private Node setStatement() {
        String target = name();
        String attribute = null;
        if (peek().isOp(".")) {
            next();
            attribute = name();
        }
        if (!peek().isOp("=")) {
            throw error("block set ({% set x %}...{% endset %}) is not supported");
        }
        next();
        Node.Expr value = expression();
        if (peek().isOp(",")) {
            List<Node.Expr> items = new ArrayList<>(List.of(value));
            while (peek().isOp(",")) {
                next();
                items.add(expression());
            }
            value = new Node.ListLiteral(items);
        }
        endTag();
        return new Node.Set(target, attribute, value);
    }

    private void closeBlock(String keyword) {
        next();
        if (!next().isName(keyword)) {
            throw error("expected {% " + keyword + " %}");
        }
        endTag();
    }

    private void endTag() {
        expect(Kind.END, "%}");
    }

    // ---- expressions

    private Node.Expr expression() {
        Node.Expr value = or();
        while (peek().isName("if")) {
            next();
            Node.Expr test = or();
            Node.Expr otherwise = null;
            if (peek().isName("else")) {
                next();
                otherwise = expression();
            }
            value = new Node.Conditional(test, value, otherwise);
        }
        return value;
    }

    /** An expression without a trailing {@code if} (the iterable of a filtered for loop). */
    private Node.Expr conditionalFree() {
        return or();
    }

    private Node.Expr or() {
        Node.Expr left = and();
        while (peek().isName("or")) {
            next();
            left = new Node.Binary("or", left, and());
        }
        return left;
    }

    private Node.Expr and() {
        Node.Expr left = not();
        while (peek().isName("and")) {
            next();
            left = new Node.Binary("and", left, not());
        }
        return left;
    }

    private Node.Expr not() {
        if (peek().isName("not")) {
            next();
            return new Node.Not(not());
        }
        return compare();
    }

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", ">", "<=", ">=");

    private Node.Expr compare() {
        Node.Expr left = math1();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OPERATOR && COMPARISONS.contains(t.text())) {
                next();
                left = new Node.Binary(t.text(), left, math1());
            } else if (t.isName("in")) {
                next();
                left = new Node.Binary("in", left, math1());
            } else if (t.isName("not") && tokens.get(at + 1).isName("in")) {
                next();
                next();
                left = new Node.Not(new Node.Binary("in", left, math1()));
            } else {
                return left;
            }
        }
    }

    private Node.Expr math1() {
        Node.Expr left = concat();
        while (peek().isOp("+") || peek().isOp("-")) {
            String op = next().text();
            left = new Node.Binary(op, left, concat());
        }
        return left;
    }

    private Node.Expr concat() {
        Node.Expr left = math2();
        while (peek().isOp("~")) {
            next();
            left = new Node.Binary("~", left, math2());
        }
        return left;
    }

    private Node.Expr math2() {
        Node.Expr left = pow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            String op = next().text();
            left = new Node.Binary(op, left, pow());
        }
        return left;
    }

    private Node.Expr pow() {
        Node.Expr left = unary();
        while (peek().isOp("**")) {
            next();
            left = new Node.Binary("**", left, unary());
        }
        return left;
    }

    private Node.Expr unary() {
        if (peek().isOp("-")) {
            next();
            return filters(new Node.Negate(unary()));
        }
        if (peek().isOp("+")) {
            next();
            return unary();
        }
        return filters(postfix(primary()));
    }

    private Node.Expr filters(Node.Expr value) {
        while (true) {
            if (peek().isOp("|")) {
                next();
                String name = dottedName();
                Args args = peek().isOp("(") ? arguments() : new Args(List.of(), Map.of());
                value = new Node.Filter(name, value, args.positional(), args.keywords());
            } else if (peek().isName("is")) {
                next();
                boolean negated = false;
                if (peek().isName("not")) {
                    next();
                    negated = true;
                }
                String name = name();
                List<Node.Expr> args = new ArrayList<>();
                if (peek().isOp("(")) {
                    args.addAll(arguments().positional());
                } else if (startsPrimary(peek())) {
                    args.add(postfix(primary()));
                }
                Node.Expr test = new Node.Test(name, value, args);
                value = negated ? new Node.Not(test) : test;
            } else {
                return value;
            }
        }
    }

    private boolean startsPrimary(Token t) {
        return switch (t.kind()) {
            case STRING, INTEGER, FLOAT -> true;
            case NAME -> !Set.of("and", "or", "not", "in", "is", "if", "else").contains(t.text());
            case OPERATOR -> t.text().equals("[") || t.text().equals("{");
            default -> false;
        };
    }

    private Node.Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case STRING -> {
                StringBuilder s = new StringBuilder(t.text());
                while (peek().kind() == Kind.STRING) {
                    s.append(next().text());
                }
                return new Node.Literal(s.toString());
            }
            case INTEGER -> {
                return new Node.Literal(Long.parseLong(t.text()));
            }
            case FLOAT -> {
                return new Node.Literal(Double.parseDouble(t.text()));
            }
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Node.Literal(Boolean.TRUE);
                    case "false", "False" -> new Node.Literal(Boolean.FALSE);
                    case "none", "None" -> new Node.Literal(null);
                    default -> new Node.Name(t.text());
                };
            }
            case OPERATOR -> {
                switch (t.text()) {
                    case "(" -> {
                        if (peek().isOp(")")) {
                            next();
                            return new Node.ListLiteral(List.of());
                        }
                        Node.Expr e = expression();
                        if (peek().isOp(",")) {
                            List<Node.Expr> items = new ArrayList<>(List.of(e));
                            while (peek().isOp(",")) {
                                next();
                                if (peek().isOp(")")) {
                                    break;
                                }
                                items.add(expression());
                            }
                            e = new Node.ListLiteral(items);
                        }
                        expect(Kind.OPERATOR, ")");
                        return e;
                    }
                    case "[" -> {
                        List<Node.Expr> items = new ArrayList<>();
                        while (!peek().isOp("]")) {
                            items.add(expression());
                            if (!peek().isOp(",")) {
                                break;
                            }
                            next();
                        }
                        expect(Kind.OPERATOR, "]");
                        return new Node.ListLiteral(items);
                    }
                    case "{" -> {
                        List<Node.Expr[]> entries = new ArrayList<>();
                        while (!peek().isOp("}")) {
                            Node.Expr key = expression();
                            expect(Kind.OPERATOR, ":");
                            entries.add(new Node.Expr[] {key, expression()});
                            if (!peek().isOp(",")) {
                                break;
                            }
                            next();
                        }
                        expect(Kind.OPERATOR, "}");
                        return new Node.DictLiteral(entries);
                    }
                    default -> throw error("unexpected " + t);
                }
            }
            default -> throw error("unexpected " + t);
        }
    }

    private Node.Expr postfix(Node.Expr value) {
        while (true) {
            if (peek().isOp(".")) {
                next();
                Token t = next();
                if (t.kind() != Kind.NAME && t.kind() != Kind.INTEGER) {
                    throw error("expected an attribute name after '.'");
                }
                value = new Node.Attribute(value, t.text());
            } else if (peek().isOp("[")) {
                next();
                value = subscript(value);
            } else if (peek().isOp("(")) {
                Args args = arguments();
                value = new Node.Call(value, args.positional(), args.keywords());
            } else {
                return value;
            }
        }
    }

    private Node.Expr subscript(Node.Expr value) {
        Node.Expr[] parts = new Node.Expr[3];
        int part = 0;
        boolean isSlice = false;
        while (!peek().isOp("]")) {
            if (peek().isOp(":")) {
                next();
                isSlice = true;
                part++;
                if (part > 2) {
                    throw error("too many ':' in a slice");
                }
                continue;
            }
            parts[part] = expression();
        }
        expect(Kind.OPERATOR, "]");
        return isSlice ? new Node.Slice(value, parts[0], parts[1], parts[2]) : new Node.Item(value, parts[0]);
    }

    private record Args(List<Node.Expr> positional, Map<String, Node.Expr> keywords) {
    }

    private Args arguments() {
        expect(Kind.OPERATOR, "(");
        List<Node.Expr> positional = new ArrayList<>();
        Map<String, Node.Expr> keywords = new LinkedHashMap<>();
        while (!peek().isOp(")")) {
            if (peek().kind() == Kind.NAME && tokens.get(at + 1).isOp("=")) {
                String key = next().text();
                next();
                keywords.put(key, expression());
            } else {
                positional.add(expression());
            }
            if (!peek().isOp(",")) {
                break;
            }
            next();
        }
        expect(Kind.OPERATOR, ")");
        return new Args(positional, keywords);
    }

    private String dottedName() {
        StringBuilder name = new StringBuilder(name());
        while (peek().isOp(".")) {
            next();
            name.append('.').append(name());
        }
        return name.toString();
    }

    private String name() {
        Token t = next();
        if (t.kind() != Kind.NAME) {
            throw error("expected a name, got " + t);
        }
        return t.text();
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.EOF) {
            at++;
        }
        return t;
    }

    private void expect(Kind kind, String text) {
        Token t = next();
        if (t.kind() != kind || !t.text().equals(text)) {
            throw error("expected '" + text + "', got " + t);
        }
    }

    private TemplateException error(String message) {
        return new TemplateException("chat template syntax error at line " + peek().line() + ": " + message);
    }
}
