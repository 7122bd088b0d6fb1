package ai.hybridchat.core.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates {@link Node.Expr}s with Python's semantics ({@link Py}); filters, tests and methods as jinja2 and Python define them. */
final class Eval {
    private Eval() {
    }

    static Object eval(Node.Expr e, Scope scope) {
        if (e instanceof Node.Literal l) {
            return l.value();
        }
        if (e instanceof Node.Name n) {
            return scope.get(n.name());
        }
        if (e instanceof Node.ListLiteral l) {
            List<Object> out = new ArrayList<>();
            l.items().forEach(x -> out.add(eval(x, scope)));
            return out;
        }
        if (e instanceof Node.DictLiteral d) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Node.Expr[] kv : d.entries()) {
                out.put(eval(kv[0], scope), eval(kv[1], scope));
            }
            return out;
        }
        if (e instanceof Node.Attribute a) {
            return attribute(eval(a.target(), scope), a.name());
        }
        if (e instanceof Node.Item i) {
            return Py.item(eval(i.target(), scope), eval(i.key(), scope));
        }
        if (e instanceof Node.Slice s) {
            return Py.slice(eval(s.target(), scope), opt(s.start(), scope), opt(s.stop(), scope), opt(s.step(), scope));
        }
        if (e instanceof Node.Call c) {
            return call(c, scope);
        }
        if (e instanceof Node.Filter f) {
            List<Object> args = new ArrayList<>();
            f.args().forEach(x -> args.add(eval(x, scope)));
            Map<String, Object> kw = new LinkedHashMap<>();
            f.keywords().forEach((k, x) -> kw.put(k, eval(x, scope)));
            return Filters.apply(f.name(), eval(f.value(), scope), args, kw);
        }
        if (e instanceof Node.Test t) {
            List<Object> args = new ArrayList<>();
            t.args().forEach(x -> args.add(eval(x, scope)));
            return Filters.test(t.name(), eval(t.value(), scope), args);
        }
        if (e instanceof Node.Not n) {
            return !Py.truthy(eval(n.value(), scope));
        }
        if (e instanceof Node.Negate n) {
            Object v = eval(n.value(), scope);
            if (v instanceof Long l) {
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            throw new TemplateException("bad operand type for unary -: '" + Py.typeName(v) + "'");
        }
        if (e instanceof Node.Conditional c) {
            if (Py.truthy(eval(c.test(), scope))) {
                return eval(c.then(), scope);
            }
            return c.otherwise() == null ? new Py.Undefined("else") : eval(c.otherwise(), scope);
        }
        if (e instanceof Node.Binary b) {
            return binary(b, scope);
        }
        throw new TemplateException("cannot evaluate " + e);
    }

    private static Object opt(Node.Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    /** {@code a.b}: a dict's key (jinja2 tries the attribute first, and a dict's data attributes are its keys). */
    static Object attribute(Object target, String name) {
        if (target instanceof Py.Undefined u) {
            throw new TemplateException("'" + u.name + "' is undefined");
        }
        if (target instanceof Map<?, ?> m) {
            return m.containsKey(name) ? m.get(name) : new Py.Undefined(name);
        }
        if (target == null) {
            throw new TemplateException("'None' has no attribute '" + name + "'");
        }
        return new Py.Undefined(name);
    }

    private static Object call(Node.Call c, Scope scope) {
        List<Object> args = new ArrayList<>();
        c.args().forEach(x -> args.add(eval(x, scope)));
        Map<String, Object> kw = new LinkedHashMap<>();
        c.keywords().forEach((k, x) -> kw.put(k, eval(x, scope)));
        if (c.function() instanceof Node.Attribute a) {
            Object target = eval(a.target(), scope);
            if (target instanceof String s) {
                return Methods.string(s, a.name(), args, kw);
            }
            if (target instanceof Map<?, ?> m && !(target instanceof Py.Namespace) && Methods.isDictMethod(a.name())) {
                return Methods.dict(m, a.name(), args);
            }
            if (target instanceof List<?> l && Methods.isListMethod(a.name())) {
                return Methods.list(l, a.name(), args);
            }
            Object f = attribute(target, a.name());
            return invoke(f, a.name(), args, kw);
        }
        Object f = eval(c.function(), scope);
        return invoke(f, c.function() instanceof Node.Name n ? n.name() : "value", args, kw);
    }

    private static Object invoke(Object f, String name, List<Object> args, Map<String, Object> kw) {
        if (f instanceof TemplateFunction fn) {
            return Py.normalise(fn.call(args, kw));
        }
        if (f instanceof Py.Undefined u) {
            throw new TemplateException("'" + u.name + "' is undefined");
        }
        throw new TemplateException("'" + Py.typeName(f) + "' object is not callable");
    }

    private static Object binary(Node.Binary b, Scope scope) {
        String op = b.op();
        if (op.equals("and")) {
            Object left = eval(b.left(), scope);
            return Py.truthy(left) ? eval(b.right(), scope) : left;
        }
        if (op.equals("or")) {
            Object left = eval(b.left(), scope);
            return Py.truthy(left) ? left : eval(b.right(), scope);
        }
        Object x = eval(b.left(), scope);
        Object y = eval(b.right(), scope);
        return switch (op) {
            case "==" -> Py.eq(x, y);
            case "!=" -> !Py.eq(x, y);
            case "<", ">", "<=", ">=" -> Py.compare(op, x, y);
            case "in" -> Py.in(x, y);
            case "+" -> Py.add(x, y);
            case "~" -> Py.str(x) + Py.str(y);
            case "-", "*", "/", "//", "%", "**" -> arithmetic(op, x, y);
            default -> throw new TemplateException("unknown operator " + op);
        };
    }

    private static Object arithmetic(String op, Object x, Object y) {
        Py.requireDefined(x);
        Py.requireDefined(y);
        if (op.equals("*")) {
            if (x instanceof String s && (y instanceof Long || y instanceof Boolean)) {
                return s.repeat((int) Math.max(0, Py.toLong(y)));
            }
            if (y instanceof String s && (x instanceof Long || x instanceof Boolean)) {
                return s.repeat((int) Math.max(0, Py.toLong(x)));
            }
        }
        if (!Py.isNumber(x) || !Py.isNumber(y)) {
            throw new TemplateException("unsupported operand type(s) for " + op + ": '" + Py.typeName(x) + "' and '"
                    + Py.typeName(y) + "'");
        }
        boolean ints = !(x instanceof Double) && !(y instanceof Double);
        if (ints && !op.equals("/")) {
            long a = Py.toLong(x);
            long c = Py.toLong(y);
            return switch (op) {
                case "-" -> a - c;
                case "*" -> a * c;
                case "//" -> {
                    if (c == 0) {
                        throw new TemplateException("integer division or modulo by zero");
                    }
                    yield Math.floorDiv(a, c);
                }
                case "%" -> {
                    if (c == 0) {
                        throw new TemplateException("integer division or modulo by zero");
                    }
                    yield Math.floorMod(a, c);
                }
                default -> c >= 0 ? (Object) (long) Math.pow(a, c) : (Object) Math.pow(a, c);
            };
        }
        double a = Py.toDouble(x);
        double c = Py.toDouble(y);
        if ((op.equals("/") || op.equals("//") || op.equals("%")) && c == 0) {
            throw new TemplateException("division by zero");
        }
        return switch (op) {
            case "-" -> a - c;
            case "*" -> a * c;
            case "/" -> a / c;
            case "//" -> Math.floor(a / c);
            case "%" -> a - c * Math.floor(a / c);
            default -> Math.pow(a, c);
        };
    }
}
