package dev.nativesockets;

import java.lang.foreign.MemorySegment;

/**
 * The argument checks every public call makes before anything reaches libc: a {@code null}, a
 * range outside its array or a segment the kernel may not touch raises
 * {@link IllegalArgumentException}, {@link IllegalStateException} or {@link WrongThreadException}
 * here, so that no bad argument becomes a native call.
 */
final class Checks {
    private Checks() {}

    static <T> T requireArg(T v, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return v;
    }

    static void checkRange(byte[] b, int off, int len) {
        requireArg(b, "array");
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IllegalArgumentException("range [" + off + ", " + off + "+" + len + ") outside array of length " + b.length);
        }
    }

    /** A segment the kernel may write into: native, writable, alive. */
    static void checkInto(MemorySegment seg) {
        checkFrom(seg);
        if (seg.isReadOnly()) {
            throw new IllegalArgumentException("cannot receive into a read-only segment");
        }
    }

    /** A segment the kernel may read: native and alive. */
    static void checkFrom(MemorySegment seg) {
        requireArg(seg, "segment");
        if (!seg.isNative()) {
            throw new IllegalArgumentException("heap segment: pass a native segment (Arena.allocate) or use the byte[] overload");
        }
        if (!seg.scope().isAlive()) {
            throw new IllegalStateException("segment's arena is closed");
        }
        if (!seg.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("segment's arena is confined to another thread");
        }
    }
}
