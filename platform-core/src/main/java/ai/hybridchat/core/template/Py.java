package ai.hybridchat.core.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Python's semantics for the values a chat template sees, since the reference renderer is
 * Python's jinja2: {@code null} is None, {@link Undefined} a missing name or key, numbers are
 * {@code Long} or {@code Double}, lists and maps are Java's. Truthiness, {@code str()},
 * {@code repr()}, {@code ==} by value, {@code +}, {@code in}, indexing and slicing as Python does.
 */
final class Py {
    private Py() {
    }

    /** A name or key that does not exist: false, empty, printed as "", an error to compute with. */
    static final class Undefined {
        final String name;

        Undefined(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return "";
        }
    }

    /** {@code namespace(...)}: the one mutable object a template may assign attributes of. */
    static final class Namespace extends LinkedHashMap<String, Object> {
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** {@code str(v)}, as {@code {{ v }}} prints it. */
    static String str(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Undefined) {
            return "";
        }
        return repr(v);
    }

    static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Undefined) {
            return "";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Long l) {
            return Long.toString(l);
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof String s) {
            return stringRepr(s);
        }
        if (v instanceof Namespace n) {
            return "<Namespace " + n + ">";
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(repr(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        return v.toString();
    }

    private static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        String s = Double.toString(d);
        return s.contains("E") ? s.replace("E", "e").replace("e", Math.abs(d) < 1 ? "e" : "e+") : s;
    }

    /** Python's repr of a string: single quotes unless the text has one and no double quote. */
    static String stringRepr(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(q);
        s.codePoints().forEach(c -> {
            if (c == q || c == '\\') {
                sb.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append(q).toString();
    }

    /** Python's {@code ==}: by value for lists and dicts, 1 == 1.0, True == 1. */
    static boolean eq(Object a, Object b) {
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (isNumber(a) && isNumber(b)) {
            return toDouble(a) == toDouble(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!eq(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static double toDouble(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return ((Number) v).doubleValue();
    }

    static long toLong(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw new TemplateException("expected an integer, got " + typeName(v));
    }

    static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof Undefined u) {
            return "undefined ('" + u.name + "')";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "dict";
        }
        return v.getClass().getSimpleName();
    }

    static Object add(Object a, Object b) {
        requireDefined(a);
        requireDefined(b);
        if (a instanceof Long x && b instanceof Long y) {
            return Math.addExact(x, y);
        }
        if (isNumber(a) && isNumber(b) && !(a instanceof Boolean && b instanceof Boolean)) {
            return (a instanceof Double || b instanceof Double) ? toDouble(a) + toDouble(b) : toLong(a) + toLong(b);
        }
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        throw new TemplateException("unsupported operand type(s) for +: '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    static void requireDefined(Object v) {
        if (v instanceof Undefined u) {
            throw new TemplateException("'" + u.name + "' is undefined");
        }
    }

    /** {@code a in b}. */
    static boolean in(Object a, Object b) {
        if (b instanceof String s) {
            if (!(a instanceof String x)) {
                throw new TemplateException("'in <string>' requires string as left operand, not " + typeName(a));
            }
            return s.contains(x);
        }
        if (b instanceof Map<?, ?> m) {
            return m.containsKey(a);
        }
        if (b instanceof List<?> l) {
            for (Object o : l) {
                if (eq(a, o)) {
                    return true;
                }
            }
            return false;
        }
        if (b instanceof Undefined) {
            return false;
        }
        throw new TemplateException("argument of type '" + typeName(b) + "' is not iterable");
    }

    /** What {@code for x in v} walks: a list's items, a dict's keys, a string's characters. */
    static List<Object> iterate(Object v) {
        if (v instanceof Undefined) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>();
            s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
            return out;
        }
        throw new TemplateException("'" + typeName(v) + "' object is not iterable");
    }

    static int length(Object v) {
        if (v instanceof String s) {
            return s.codePointCount(0, s.length());
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof Undefined) {
            return 0;
        }
        throw new TemplateException("object of type '" + typeName(v) + "' has no len()");
    }

    /** {@code v[key]}, Jinja's way: a missing key or index is undefined, not an error. */
    static Object item(Object v, Object key) {
        if (v instanceof Map<?, ?> m) {
            return m.containsKey(key) ? m.get(key) : new Undefined(Py.str(key));
        }
        if ((v instanceof List<?> || v instanceof String) && (key instanceof Long || key instanceof Boolean)) {
            List<Object> items = v instanceof String ? iterate(v) : castList(v);
            long i = toLong(key);
            if (i < 0) {
                i += items.size();
            }
            return i >= 0 && i < items.size() ? items.get((int) i) : new Undefined("[" + key + "]");
        }
        if (v instanceof Undefined u) {
            throw new TemplateException("'" + u.name + "' is undefined");
        }
        if (v == null) {
            throw new TemplateException("'None' has no attribute or item " + repr(key));
        }
        return new Undefined(Py.str(key));
    }

    @SuppressWarnings("unchecked")
    static List<Object> castList(Object v) {
        return (List<Object>) v;
    }

    /** {@code v[start:stop:step]}, Python's slice rules, on a list or a string. */
    static Object slice(Object v, Object start, Object stop, Object step) {
        List<Object> items = v instanceof String ? iterate(v) : v instanceof List<?> ? castList(v) : null;
        if (items == null) {
            throw new TemplateException("'" + typeName(v) + "' object is not subscriptable");
        }
        int n = items.size();
        long st = step == null ? 1 : toLong(step);
        if (st == 0) {
            throw new TemplateException("slice step cannot be zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(toLong(start), n, 0, n);
            hi = stop == null ? n : clamp(toLong(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(toLong(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(toLong(stop), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            out.add(items.get((int) i));
        }
        if (v instanceof String) {
            StringBuilder sb = new StringBuilder();
            out.forEach(o -> sb.append((String) o));
            return sb.toString();
        }
        return out;
    }

    private static long clamp(long i, int n, long min, long max) {
        if (i < 0) {
            i += n;
        }
        return Math.max(min, Math.min(max, i));
    }

    /** Python's {@code str.strip()} whitespace: Java's {@link Character#isWhitespace} misses some of it. */
    static boolean isPyWhitespace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int[] cps = s.codePoints().toArray();
        int lo = 0;
        int hi = cps.length;
        while (left && lo < hi && stripped(cps[lo], chars)) {
            lo++;
        }
        while (right && hi > lo && stripped(cps[hi - 1], chars)) {
            hi--;
        }
        return new String(cps, lo, hi - lo);
    }

    private static boolean stripped(int c, String chars) {
        return chars == null ? isPyWhitespace(c) : chars.codePoints().anyMatch(x -> x == c);
    }

    /** Python's {@code <, >, <=, >=}: numbers with numbers, strings with strings, anything else a TypeError. */
    static boolean compare(String op, Object x, Object y) {
        int c;
        if (Py.isNumber(x) && Py.isNumber(y)) {
            c = Double.compare(Py.toDouble(x), Py.toDouble(y));
        } else if (x instanceof String s && y instanceof String t) {
            c = s.compareTo(t);
        } else {
            throw new TemplateException("'" + op + "' not supported between instances of '" + Py.typeName(x) + "' and '"
                    + Py.typeName(y) + "'");
        }
        return switch (op) {
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
        };
    }

    /** Ints as Long, floats as Double, collections copied: the values this class expects. */
    static Object normalise(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(normalise(x)));
            return out;
        }
        if (v instanceof Map<?, ?> m && !(v instanceof Namespace)) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalise(x)));
            return out;
        }
        return v;
    }
}
