package ai.hybridchat.core.decode;

/**
 * Whether the JDK's vector API ({@code jdk.incubator.vector}) is in this JVM. It is an incubator
 * module in Java 17: present in every JDK, but only resolved when the JVM is started with
 * {@code --add-modules jdk.incubator.vector} (the {@code platform} launcher and the tests do).
 * Without it the classes that use it cannot even load, so this check touches none of them.
 */
public final class VectorSupport {
    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("ai.hybridchat.decode.libtorchOnly");

    private VectorSupport() {
    }

    /**
     * True when the fast decode path can run; false without the module, or when the system property
     * {@code ai.hybridchat.decode.libtorchOnly} is true (the A/B switch of {@code bench generation}).
     */
    public static boolean available() {
        return PRESENT;
    }
}
