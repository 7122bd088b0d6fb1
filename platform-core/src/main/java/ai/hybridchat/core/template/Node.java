package ai.hybridchat.core.template;

import java.util.List;
import java.util.Map;

/** The parsed template: statements and expressions. */
sealed interface Node {
    record Text(String text) implements Node {
    }

    record Print(Expr value) implements Node {
    }

    record If(Expr test, List<Node> then, List<Node> otherwise) implements Node {
    }

    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> empty) implements Node {
    }

    /** {@code set name = value}, or {@code set name.attribute = value} on a namespace. */
    record Set(String name, String attribute, Expr value) implements Node {
    }

    record Block(List<Node> body) implements Node {
    }

    record Break() implements Node {
    }

    record Continue() implements Node {
    }

    sealed interface Expr extends Node {
    }

    record Literal(Object value) implements Expr {
    }

    record Name(String name) implements Expr {
    }

    record ListLiteral(List<Expr> items) implements Expr {
    }

    record DictLiteral(List<Expr[]> entries) implements Expr {
    }

    record Attribute(Expr target, String name) implements Expr {
    }

    record Item(Expr target, Expr key) implements Expr {
    }

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
    }

    record Call(Expr function, List<Expr> args, Map<String, Expr> keywords) implements Expr {
    }

    record Filter(String name, Expr value, List<Expr> args, Map<String, Expr> keywords) implements Expr {
    }

    record Test(String name, Expr value, List<Expr> args) implements Expr {
    }

    record Binary(String op, Expr left, Expr right) implements Expr {
    }

    record Not(Expr value) implements Expr {
    }

    record Negate(Expr value) implements Expr {
    }

    record Conditional(Expr test, Expr then, Expr otherwise) implements Expr {
    }
}
