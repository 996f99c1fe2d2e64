package dev.nativesockets.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * How the library links a libc function, for the raw layer ({@link dev.nativesockets.libc.LibC})
 * and for the library's own downcalls that are not 1:1 with C ({@link CriticalCalls}): one place
 * that turns a refused native access into a handle that throws ({@link NativeAccess}).
 */
public final class Downcalls {
    private Downcalls() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    /** Captures errno; a record, so equal to every other {@code captureCallState("errno")}. */
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    /**
     * {@code Linker.downcallHandle} for {@code name} in the default lookup.
     *
     * @throws UnsupportedOperationException if the platform's libc has no such function
     */
    public static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LOOKUP.find(name).orElse(null); // no lambda: start-up
        if (symbol == null) {
            throw new UnsupportedOperationException(name + " is not available on " + dev.nativesockets.libc.Platform.current());
        }
        try {
            return LINKER.downcallHandle(symbol, fd, options);
        } catch (IllegalCallerException denied) {
            // native access denied: a handle that throws a clear exception on every call, rather
            // than failing this holder's initialisation (an Error, then NoClassDefFoundError)
            return NativeAccess.refusing(name, fd, List.of(options).contains(ERRNO), denied);
        }
    }

    /**
     * What a handle's {@code invokeExact} threw. The linker's own checks on segment arguments
     * (closed arena: {@link IllegalStateException}; another thread's confined arena:
     * {@link WrongThreadException}; heap memory for a critical call: {@link IllegalArgumentException})
     * are programming errors of the caller and pass through as they are; anything else is a bug
     * here and becomes an {@link AssertionError}.
     */
    public static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        throw new AssertionError("downcall failed unexpectedly", t);
    }
}
