package dev.nativesockets.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * What a call does when the JDK denies this library native access ({@code --illegal-native-access=deny},
 * or JDK 22/23 with {@code --enable-native-access} naming other modules only).
 *
 * <p>Linking a downcall is a restricted method; where it is refused, {@link dev.nativesockets.libc.LibC} links in its
 * place a handle of the same type that throws {@link IllegalCallerException} naming the flag the
 * caller must add. So the failure is an exception, not the {@link ExceptionInInitializerError} of
 * a holder class (followed by {@link NoClassDefFoundError} on every later call), and it is the same
 * on the first call and every one after it. This class is loaded only when access is denied.
 */
public final class NativeAccess {
    private NativeAccess() {}

    /**
     * A handle of the type {@code Linker.downcallHandle(symbol, fd, options)} would return that
     * throws, on every call, an {@link IllegalCallerException} whose cause is {@code denied}.
     * (No {@link dev.nativesockets.libc.LibC} function returns a struct by value, so no allocator parameter is needed.)
     */
    public static MethodHandle refusing(String function, FunctionDescriptor fd, boolean capturesCallState,
                                 IllegalCallerException denied) {
        MethodType type = fd.toMethodType();
        if (capturesCallState) {
            type = type.insertParameterTypes(0, MemorySegment.class);
        }
        try {
            MethodHandle make = MethodHandles.lookup().findStatic(NativeAccess.class, "refused",
                    MethodType.methodType(IllegalCallerException.class, String.class, IllegalCallerException.class));
            MethodHandle thrower = MethodHandles.foldArguments(
                    MethodHandles.throwException(type.returnType(), IllegalCallerException.class),
                    MethodHandles.insertArguments(make, 0, function, denied));
            return MethodHandles.dropArguments(thrower, 0, type.parameterList());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The exception one refused call throws: a fresh one per call, so its stack trace is the caller's. */
    private static IllegalCallerException refused(String function, IllegalCallerException denied) {
        return new IllegalCallerException(message(function), denied);
    }

    /** Names the flag for where the library was loaded from: the class path or a named module. */
    static String message(String function) {
        Module module = NativeAccess.class.getModule();
        if (module.isNamed()) {
            return "NativeSockets cannot call " + function + ": this JVM denies native access to module "
                    + module.getName() + ". Add --enable-native-access=" + module.getName()
                    + " to the java command line (the library is on the module path).";
        }
        return "NativeSockets cannot call " + function + ": this JVM denies native access to code on the class path. "
                + "Add --enable-native-access=ALL-UNNAMED to the java command line, or the manifest attribute "
                + "'Enable-Native-Access: ALL-UNNAMED' to the application jar run with java -jar.";
    }
}
