package dev.nativesockets;

import dev.nativesockets.internal.CriticalCalls;
import dev.nativesockets.libc.LibC;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The caller's segments that one message call hands the kernel by address inside a structure
 * ({@code iovec}, {@code msghdr}), and what keeps their memory alive until the call returns.
 *
 * <p>The linker keeps a segment's arena open only while the segment is a direct argument of the
 * downcall. An address stored in an {@code iovec} is just a number: a shared arena closed by
 * another thread meanwhile would be freed under the kernel, which then writes into whatever reuses
 * that memory. So each segment is sorted by who could free it during the call:
 * <ul>
 *   <li>nobody — the global arena, an automatic arena (kept reachable here until the call
 *       returns), a direct {@link ByteBuffer}'s memory, or a confined arena of the calling thread
 *       (its only closer is in this call): zero-copy, nothing more to do;</li>
 *   <li>another thread — a shared arena (or a kind this class does not know): the call is issued
 *       through {@link CriticalCalls#syscallPinned}, which passes one segment of each such arena as an
 *       extra argument the kernel never reads, so the linker holds the arena open for the call.
 *       At most {@link CriticalCalls#MAX_PINS} distinct arenas per call; more is refused before the call.
 *       Darwin has no such door: there such segments are refused.</li>
 * </ul>
 * The sorting compares the scope's class with those of arenas made here once, so it allocates
 * nothing and does not depend on the JDK's internal names.
 *
 * <p>One per {@link MessageStaging.Buffers} (a platform thread's, or a virtual thread's lease for
 * one call), reused call after call; {@link #clear} after each call drops the references so a
 * finished call keeps nothing alive.
 */
final class Pins {
    private static final boolean LINUX = Platform.current().isLinux();
    private static final Class<?> GLOBAL = Arena.global().scope().getClass();
    private static final Class<?> AUTO = Arena.ofAuto().scope().getClass();
    private static final Class<?> DIRECT_BUFFER = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(1)).scope().getClass();
    private static final Class<?> CONFINED;

    static {
        try (Arena a = Arena.ofConfined()) {
            CONFINED = a.scope().getClass();
        }
    }

    private MemorySegment[] kept = new MemorySegment[16];
    private int keptCount;
    private final MemorySegment[] pins = new MemorySegment[CriticalCalls.MAX_PINS];
    private int pinCount;

    /**
     * Whether a thread other than the caller could close {@code seg}'s arena while the caller is
     * in a native call.
     */
    static boolean closeableByOthers(MemorySegment seg) {
        Class<?> scope = seg.scope().getClass();
        if (scope == GLOBAL || scope == AUTO || scope == DIRECT_BUFFER) {
            return false;
        }
        // a confined arena is closed only by its owner, which is here, in this call
        return !(scope == CONFINED && seg.isAccessibleBy(Thread.currentThread()));
    }

    /** A caller segment whose address goes into a structure for this call. */
    void add(MemorySegment seg) {
        keep(seg);
        if (closeableByOthers(seg)) {
            pin(seg);
        }
    }

    /** Memory the library guards itself (an {@link IoVector}'s own buffers): only kept reachable. */
    void keep(MemorySegment seg) {
        if (keptCount == kept.length) {
            kept = Arrays.copyOf(kept, kept.length * 2);
        }
        kept[keptCount++] = seg;
    }

    private void pin(MemorySegment seg) {
        for (int i = 0; i < pinCount; i++) {
            if (pins[i].scope().equals(seg.scope())) {
                return;
            }
        }
        if (!LINUX) {
            clear();
            throw new IllegalArgumentException("on " + Platform.current() + ", memory that the kernel reaches through an"
                    + " iovec or msghdr must come from an arena no other thread can close during the call"
                    + " (Arena.global(), Arena.ofAuto(), or Arena.ofConfined() of the calling thread), not a shared arena");
        }
        if (pinCount == pins.length) {
            clear();
            throw new IllegalArgumentException("buffers from more than " + pins.length
                    + " shared arenas in one call; copy them into fewer arenas");
        }
        pins[pinCount++] = seg;
    }

    /** Whether this call must go through {@link #call}. */
    boolean any() {
        return pinCount > 0;
    }

    /** The call, with every pinned arena held open until it returns. */
    long call(MemorySegment cs, int number, long a1, long a2, long a3, long a4, long a5) {
        return CriticalCalls.syscallPinned(cs, number, a1, a2, a3, a4, a5, pin(0), pin(1), pin(2), pin(3));
    }

    private MemorySegment pin(int i) {
        return i < pinCount ? pins[i] : MemorySegment.NULL;
    }

    /** Forgets this call's segments. */
    void clear() {
        Arrays.fill(kept, 0, keptCount, null);
        keptCount = 0;
        Arrays.fill(pins, 0, pinCount, null);
        pinCount = 0;
    }
}
