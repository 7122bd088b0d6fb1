package ai.hybridchat.tuning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The registered {@link TuningMethod}s by name, in the order their registration file lists them. */
public final class TuningMethods {
    private static final Map<String, TuningMethod> BY_NAME = load();

    private TuningMethods() {
    }

    private static Map<String, TuningMethod> load() {
        Map<String, TuningMethod> out = new LinkedHashMap<>();
        for (TuningMethod m : ServiceLoader.load(TuningMethod.class, TuningMethod.class.getClassLoader())) {
            if (out.putIfAbsent(m.name(), m) != null) {
                throw new IllegalStateException("two tuning methods are named '" + m.name() + "'");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The method called {@code name}; an unknown name is the user's mistake and says what exists. */
    public static TuningMethod named(String name) {
        TuningMethod m = BY_NAME.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown or not yet available tuning method '" + name + "' (available: "
                    + String.join(", ", names()) + ")");
        }
        return m;
    }

    /** The recipe of the method of that name; an unknown name gets {@link TuningDefaults#OTHERS}, and running it says it is unknown. */
    public static TuningDefaults.Recipe recipe(String name) {
        TuningMethod m = BY_NAME.get(name);
        return m == null ? TuningDefaults.OTHERS : m.recipe();
    }

    /** Whether a method of that name is registered. */
    public static boolean exists(String name) {
        return BY_NAME.containsKey(name);
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static List<TuningMethod> all() {
        return List.copyOf(BY_NAME.values());
    }
}
