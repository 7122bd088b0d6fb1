package ai.hybridchat.core.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** jinja2's filters and tests that chat templates use, and transformers' {@code tojson}. */
final class Filters {
    private Filters() {
    }

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "trim" -> Py.strip(Py.str(v), args.isEmpty() ? null : (String) args.get(0), true, true);
            case "tojson" -> toJson(v, kw.containsKey("indent") ? kw.get("indent") : args.isEmpty() ? null : args.get(0),
                    kw.get("separators"), Py.truthy(kw.getOrDefault("sort_keys", false)),
                    kw.containsKey("ensure_ascii") && Py.truthy(kw.get("ensure_ascii")));
            case "length", "count" -> (long) Py.length(v);
            case "string" -> Py.str(v);
            case "list" -> Py.iterate(v);
            case "items" -> {
                if (v instanceof Py.Undefined) {
                    yield List.of();
                }
                if (!(v instanceof Map<?, ?> m)) {
                    throw new TemplateException("can only get item pairs from a mapping, not " + Py.typeName(v));
                }
                yield Methods.dict(m, "items", List.of());
            }
            case "join" -> join(v, args.isEmpty() ? (String) kw.getOrDefault("d", "") : Py.str(args.get(0)),
                    kw.containsKey("attribute") ? kw.get("attribute") : args.size() > 1 ? args.get(1) : null);
            case "select", "reject" -> {
                boolean keep = name.equals("select");
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v)) {
                    boolean passes = args.isEmpty() ? Py.truthy(item)
                            : Py.truthy(test((String) args.get(0), item, args.subList(1, args.size())));
                    if (passes == keep) {
                        out.add(item);
                    }
                }
                yield out;
            }
            case "selectattr", "rejectattr" -> {
                boolean keep = name.equals("selectattr");
                String attribute = (String) args.get(0);
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v)) {
                    Object a = attributeOf(item, attribute);
                    boolean passes = args.size() < 2 ? Py.truthy(a)
                            : Py.truthy(test((String) args.get(1), a, args.subList(2, args.size())));
                    if (passes == keep) {
                        out.add(item);
                    }
                }
                yield out;
            }
            case "map" -> {
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v)) {
                    if (kw.containsKey("attribute")) {
                        Object a = attributeOf(item, (String) kw.get("attribute"));
                        out.add(a instanceof Py.Undefined && kw.containsKey("default") ? kw.get("default") : a);
                    } else {
                        out.add(apply((String) args.get(0), item, args.subList(1, args.size()), Map.of()));
                    }
                }
                yield out;
            }
            case "first" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Py.Undefined("first") : items.get(0);
            }
            case "last" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Py.Undefined("last") : items.get(items.size() - 1);
            }
            case "default", "d" -> {
                boolean orFalsy = args.size() > 1 ? Py.truthy(args.get(1)) : Py.truthy(kw.getOrDefault("boolean", false));
                Object fallback = args.isEmpty() ? kw.getOrDefault("default_value", "") : args.get(0);
                yield v instanceof Py.Undefined || (orFalsy && !Py.truthy(v)) ? fallback : v;
            }
            case "upper" -> Py.str(v).toUpperCase(Locale.ROOT);
            case "lower" -> Py.str(v).toLowerCase(Locale.ROOT);
            case "capitalize" -> Methods.string(Py.str(v), "capitalize", List.of(), Map.of());
            case "title" -> Methods.string(Py.str(v), "title", List.of(), Map.of());
            case "replace" -> Methods.string(Py.str(v), "replace", args, Map.of());
            case "int" -> toInt(v, args.isEmpty() ? 0L : args.get(0));
            case "float" -> {
                try {
                    yield v instanceof String s ? Double.parseDouble(s.strip()) : Py.toDouble(v);
                } catch (RuntimeException e) {
                    yield args.isEmpty() ? 0.0 : args.get(0);
                }
            }
            case "abs" -> v instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(Py.toDouble(v));
            case "safe", "e", "escape", "forceescape" -> name.equals("safe") ? v : escape(Py.str(v));
            case "reverse" -> {
                if (v instanceof String s) {
                    yield new StringBuilder(s).reverse().toString();
                }
                List<Object> items = Py.iterate(v);
                Collections.reverse(items);
                yield items;
            }
            case "sort" -> {
                List<Object> items = Py.iterate(v);
                boolean reverse = Py.truthy(kw.getOrDefault("reverse", args.isEmpty() ? false : args.get(0)));
                Object attribute = kw.get("attribute");
                Comparator<Object> order = (a, b) -> {
                    Object x = attribute == null ? a : attributeOf(a, (String) attribute);
                    Object y = attribute == null ? b : attributeOf(b, (String) attribute);
                    return Py.compare("<", x, y) ? -1 : Py.eq(x, y) ? 0 : 1;
                };
                items.sort(reverse ? order.reversed() : order);
                yield items;
            }
            case "unique" -> {
                List<Object> out = new ArrayList<>();
                for (Object o : Py.iterate(v)) {
                    if (out.stream().noneMatch(x -> Py.eq(x, o))) {
                        out.add(o);
                    }
                }
                yield out;
            }
            case "indent" -> indent(Py.str(v), args.isEmpty() ? kw.getOrDefault("width", 4L) : args.get(0),
                    Py.truthy(args.size() > 1 ? args.get(1) : kw.getOrDefault("first", false)),
                    Py.truthy(args.size() > 2 ? args.get(2) : kw.getOrDefault("blank", false)));
            case "dictsort" -> {
                if (!(v instanceof Map<?, ?> m)) {
                    throw new TemplateException("dictsort needs a mapping, not " + Py.typeName(v));
                }
                List<Object> items = Methods.dict(m, "items", List.of()) instanceof List<?> l ? new ArrayList<>(l) : List.of();
                items.sort((a, b) -> {
                    Object x = ((List<?>) a).get(0);
                    Object y = ((List<?>) b).get(0);
                    return Py.compare("<", x, y) ? -1 : Py.eq(x, y) ? 0 : 1;
                });
                yield items;
            }
            case "sum" -> {
                Object total = 0L;
                for (Object o : Py.iterate(v)) {
                    total = Py.add(total, o);
                }
                yield total;
            }
            case "min", "max" -> {
                List<Object> items = Py.iterate(v);
                if (items.isEmpty()) {
                    yield new Py.Undefined(name);
                }
                Object best = items.get(0);
                for (Object o : items) {
                    best = Py.compare(name.equals("min") ? "<" : ">", o, best) ? o : best;
                }
                yield best;
            }
            case "wordcount" -> (long) Methods.split(Py.str(v), null, -1).size();
            default -> throw new TemplateException("no filter named '" + name + "'");
        };
    }

    static Object test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> !(v instanceof Py.Undefined);
            case "undefined" -> v instanceof Py.Undefined;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "number" -> v instanceof Long || v instanceof Double || v instanceof Boolean;
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map && !(v instanceof Py.Namespace);
            case "iterable" -> v instanceof String || v instanceof List || v instanceof Map || v instanceof Py.Undefined;
            case "sequence" -> v instanceof String || v instanceof List || v instanceof Map;
            case "callable" -> v instanceof TemplateFunction;
            case "equalto", "eq", "==" -> Py.eq(v, args.get(0));
            case "ne", "!=" -> !Py.eq(v, args.get(0));
            case "lt", "lessthan", "<" -> Py.compare("<", v, args.get(0));
            case "le", "<=" -> Py.compare("<=", v, args.get(0));
            case "gt", "greaterthan", ">" -> Py.compare(">", v, args.get(0));
            case "ge", ">=" -> Py.compare(">=", v, args.get(0));
            case "in" -> Py.in(v, args.get(0));
            case "sameas" -> v == args.get(0) || (v == null && args.get(0) == null) || (v instanceof Boolean && v.equals(args.get(0)));
            case "odd" -> Py.toLong(v) % 2 != 0;
            case "even" -> Py.toLong(v) % 2 == 0;
            case "divisibleby" -> Py.toLong(v) % Py.toLong(args.get(0)) == 0;
            case "lower" -> Py.str(v).equals(Py.str(v).toLowerCase(Locale.ROOT));
            case "upper" -> Py.str(v).equals(Py.str(v).toUpperCase(Locale.ROOT));
            default -> throw new TemplateException("no test named '" + name + "'");
        };
    }

    private static Object attributeOf(Object item, String dotted) {
        Object v = item;
        for (String part : dotted.split("\\.")) {
            v = v instanceof Map<?, ?> m ? (m.containsKey(part) ? m.get(part) : new Py.Undefined(part))
                    : v instanceof List<?> && part.matches("\\d+") ? Py.item(v, Long.parseLong(part)) : new Py.Undefined(part);
        }
        return v;
    }

    private static String join(Object v, String separator, Object attribute) {
        StringBuilder sb = new StringBuilder();
        List<Object> items = Py.iterate(v);
        for (int i = 0; i < items.size(); i++) {
            Object item = attribute == null ? items.get(i) : attributeOf(items.get(i), Py.str(attribute));
            sb.append(i == 0 ? "" : separator).append(Py.str(item));
        }
        return sb.toString();
    }

    private static Object toInt(Object v, Object fallback) {
        try {
            if (v instanceof String s) {
                String t = s.strip();
                return t.contains(".") ? (long) Double.parseDouble(t) : Long.parseLong(t);
            }
            if (v instanceof Double d) {
                return (long) (double) d;
            }
            return Py.toLong(v);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }

    private static String indent(String s, Object width, boolean first, boolean blank) {
        String pad = width instanceof String w ? w : " ".repeat((int) Py.toLong(width));
        String[] lines = s.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            boolean indentIt = (i > 0 || first) && (blank || !lines[i].isBlank());
            sb.append(indentIt ? pad : "").append(lines[i]);
        }
        return sb.toString();
    }

    /**
     * transformers' {@code tojson}: {@code json.dumps(x, ensure_ascii=False, indent=indent,
     * separators=separators, sort_keys=sort_keys)}, keys in their order, non-ASCII as it is (not
     * jinja2's own, which escapes HTML characters and sorts keys).
     */
    static String toJson(Object v, Object indent, Object separators, boolean sortKeys, boolean ensureAscii) {
        String item = indent == null ? ", " : ",";
        String key = ": ";
        if (separators instanceof List<?> seps && seps.size() == 2) {
            item = Py.str(seps.get(0));
            key = Py.str(seps.get(1));
        }
        String pad = indent == null ? null : indent instanceof String s ? s : " ".repeat((int) Py.toLong(indent));
        StringBuilder sb = new StringBuilder();
        json(v, sb, pad, 0, item, key, sortKeys, ensureAscii);
        return sb.toString();
    }

    private static void json(Object v, StringBuilder sb, String pad, int depth, String item, String key, boolean sortKeys,
                             boolean ensureAscii) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Long || v instanceof Double) {
            sb.append(v instanceof Double d && (d.isNaN() || d.isInfinite()) ? (d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
                    : Py.repr(v));
        } else if (v instanceof String s) {
            jsonString(s, sb, ensureAscii);
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(item);
                }
                newline(sb, pad, depth + 1);
                json(l.get(i), sb, pad, depth + 1, item, key, sortKeys, ensureAscii);
            }
            newline(sb, pad, depth);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) {
                entries.sort(Comparator.comparing(e -> Py.str(e.getKey())));
            }
            sb.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) {
                    sb.append(item);
                }
                newline(sb, pad, depth + 1);
                Object k = entries.get(i).getKey();
                jsonString(k instanceof String s ? s : Py.repr(k), sb, ensureAscii);
                sb.append(key);
                json(entries.get(i).getValue(), sb, pad, depth + 1, item, key, sortKeys, ensureAscii);
            }
            newline(sb, pad, depth);
            sb.append('}');
        } else {
            throw new TemplateException("Object of type " + Py.typeName(v) + " is not JSON serializable");
        }
    }

    private static void newline(StringBuilder sb, String pad, int depth) {
        if (pad != null) {
            sb.append('\n').append(pad.repeat(depth));
        }
    }

    private static void jsonString(String s, StringBuilder sb, boolean ensureAscii) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static Map<String, Object> namespace(List<Object> args, Map<String, Object> kw) {
        Py.Namespace ns = new Py.Namespace();
        for (Object a : args) {
            if (a instanceof Map<?, ?> m) {
                m.forEach((k, x) -> ns.put(Py.str(k), x));
            }
        }
        ns.putAll(kw);
        return ns;
    }

    static final int MAX_RANGE = 1_000_000;

    static List<Object> range(List<Object> args) {
        long start = args.size() > 1 ? Py.toLong(args.get(0)) : 0;
        long stop = Py.toLong(args.get(args.size() > 1 ? 1 : 0));
        long step = args.size() > 2 ? Py.toLong(args.get(2)) : 1;
        if (step == 0) {
            throw new TemplateException("range() arg 3 must not be zero");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() >= MAX_RANGE) {
                throw new TemplateException("range() of more than " + MAX_RANGE + " numbers");
            }
            out.add(i);
        }
        return out;
    }

    static Map<Object, Object> dict(Map<String, Object> kw) {
        return new LinkedHashMap<>(kw);
    }
}
