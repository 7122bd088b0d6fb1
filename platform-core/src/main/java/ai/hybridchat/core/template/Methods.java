package ai.hybridchat.core.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The Python methods templates call on strings, dicts and lists (read-only ones: the sandbox forbids mutation). */
final class Methods {
    private Methods() {
    }

    private static final Set<String> DICT = Set.of("items", "keys", "values", "get");
    private static final Set<String> LIST = Set.of("index", "count");

    static boolean isDictMethod(String name) {
        return DICT.contains(name);
    }

    static boolean isListMethod(String name) {
        return LIST.contains(name);
    }

    static Object dict(Map<?, ?> m, String name, List<Object> args) {
        return switch (name) {
            case "items" -> {
                List<Object> out = new ArrayList<>();
                m.forEach((k, v) -> out.add(new ArrayList<>(Arrays.asList(k, v))));
                yield out;
            }
            case "keys" -> new ArrayList<Object>(m.keySet());
            case "values" -> new ArrayList<Object>(m.values());
            default -> m.containsKey(arg(args, 0)) ? m.get(arg(args, 0)) : (args.size() > 1 ? args.get(1) : null);
        };
    }

    static Object list(List<?> l, String name, List<Object> args) {
        if (name.equals("count")) {
            long n = 0;
            for (Object o : l) {
                n += Py.eq(o, arg(args, 0)) ? 1 : 0;
            }
            return n;
        }
        for (int i = 0; i < l.size(); i++) {
            if (Py.eq(l.get(i), arg(args, 0))) {
                return (long) i;
            }
        }
        throw new TemplateException(Py.repr(arg(args, 0)) + " is not in list");
    }

    static Object string(String s, String name, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "startswith" -> affix(s, arg(args, 0), true);
            case "endswith" -> affix(s, arg(args, 0), false);
            case "strip" -> Py.strip(s, chars(args), true, true);
            case "lstrip" -> Py.strip(s, chars(args), true, false);
            case "rstrip" -> Py.strip(s, chars(args), false, true);
            case "split" -> split(s, args.isEmpty() ? kw.get("sep") : args.get(0),
                    args.size() > 1 ? Py.toLong(args.get(1)) : kw.containsKey("maxsplit") ? Py.toLong(kw.get("maxsplit")) : -1);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> replace(s, (String) arg(args, 0), (String) arg(args, 1), args.size() > 2 ? Py.toLong(args.get(2)) : -1);
            case "find" -> (long) s.indexOf((String) arg(args, 0));
            case "rfind" -> (long) s.lastIndexOf((String) arg(args, 0));
            case "count" -> {
                String sub = (String) arg(args, 0);
                long n = 0;
                for (int i = sub.isEmpty() ? -1 : s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
                    n++;
                }
                yield sub.isEmpty() ? (long) s.length() + 1 : n;
            }
            case "join" -> {
                StringBuilder sb = new StringBuilder();
                List<Object> items = Py.iterate(arg(args, 0));
                for (int i = 0; i < items.size(); i++) {
                    sb.append(i == 0 ? "" : s).append(Py.str(items.get(i)));
                }
                yield sb.toString();
            }
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(Py::isPyWhitespace);
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            case "splitlines" -> {
                List<Object> out = new ArrayList<>();
                for (String line : s.split("\r\n|\n|\r", -1)) {
                    out.add(line);
                }
                if (!out.isEmpty() && ((String) out.get(out.size() - 1)).isEmpty()) {
                    out.remove(out.size() - 1);
                }
                yield out;
            }
            default -> throw new TemplateException("'str' object has no attribute '" + name + "'");
        };
    }

    private static Object arg(List<Object> args, int i) {
        if (i >= args.size()) {
            throw new TemplateException("missing argument " + (i + 1));
        }
        return args.get(i);
    }

    private static String chars(List<Object> args) {
        return args.isEmpty() || args.get(0) == null ? null : (String) args.get(0);
    }

    private static boolean affix(String s, Object arg, boolean start) {
        if (arg instanceof List<?> options) {
            for (Object o : options) {
                if (affix(s, o, start)) {
                    return true;
                }
            }
            return false;
        }
        if (!(arg instanceof String a)) {
            throw new TemplateException((start ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not "
                    + Py.typeName(arg));
        }
        return start ? s.startsWith(a) : s.endsWith(a);
    }

    /** Python's {@code str.split}: no separator splits on runs of whitespace and drops empty ends. */
    static List<Object> split(String s, Object sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int[] cps = s.codePoints().toArray();
            int i = 0;
            while (i < cps.length) {
                while (i < cps.length && Py.isPyWhitespace(cps[i])) {
                    i++;
                }
                if (i >= cps.length) {
                    break;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(Py.strip(new String(cps, i, cps.length - i), null, false, true));
                    return out;
                }
                int start = i;
                while (i < cps.length && !Py.isPyWhitespace(cps[i])) {
                    i++;
                }
                out.add(new String(cps, start, i - start));
            }
            return out;
        }
        String d = (String) sep;
        if (d.isEmpty()) {
            throw new TemplateException("empty separator");
        }
        int from = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int i = s.indexOf(d, from);
            if (i < 0) {
                break;
            }
            out.add(s.substring(from, i));
            from = i + d.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (long n = 0; n < count; n++) {
            int i = s.indexOf(old, from);
            if (i < 0) {
                break;
            }
            sb.append(s, from, i).append(replacement);
            from = i + old.length();
        }
        return sb.append(s.substring(from)).toString();
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return sb.toString();
    }
}
