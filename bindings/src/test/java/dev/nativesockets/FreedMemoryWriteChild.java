package dev.nativesockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The race of {@link ReliabilityMemorySafetyTest#aRaceBetweenCloseAndReceiveNeverWritesFreedMemory},
 * run in a JVM of its own because, when the library is broken, the kernel writes into freed native
 * memory, and that may abort the JVM that suffers it.
 *
 * <p>Each round: a reader thread calls {@code readv} into a 64-byte segment of a shared arena on an
 * empty socket (so the call blocks); this thread closes the arena, either once the reader sits in
 * the {@code readv} system call (even rounds) or after a random 0..200 µs (odd rounds: before,
 * at or during the call), and only then sends a datagram. Since the data comes after the close,
 * a close that succeeded came before the kernel's write, so the read must not happen: the reader
 * must be refused. If the reader got bytes instead, the kernel wrote into memory the arena had
 * freed. To see that write itself, this thread takes a guard allocation of the same size at once
 * after a successful close (malloc hands a thread the chunk it just freed) and fills it with a
 * pattern: if the guard is the freed memory and the pattern changed, the kernel's bytes are there.
 *
 * <p>Prints one line of counts and exits 0, or prints what was written where and exits 1 at the
 * first round the promise broke (before the corruption can spread).
 */
public final class FreedMemoryWriteChild {
    private static final byte[] HELLO = "hello, pinned".getBytes();
    private static final int SIZE = 64;
    private static final byte PATTERN = (byte) 0xA5;

    private FreedMemoryWriteChild() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int refusedDuringCall = 0;
        int closedBeforeCall = 0;
        int guardReused = 0;
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM);
             ReliabilityTestSupport.Blocker reader = new ReliabilityTestSupport.Blocker("reader")) {
            int fd = p.second().fd();
            for (int round = 0; round < rounds; round++) {
                boolean inCall = round % 2 == 0;
                Arena shared = Arena.ofShared();
                MemorySegment buf = shared.allocate(SIZE);
                long address = buf.address();
                CompletableFuture<ReliabilityTestSupport.Outcome> read = reader.start(() -> p.second().readv(buf));
                if (inCall) {
                    reader.awaitIn(ReliabilityTestSupport.Blocked.READV, fd, read);
                } else {
                    long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(0, 200_000);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
                boolean closed;
                MemorySegment guard = null;
                try {
                    shared.close();
                    closed = true;
                    guard = Arena.ofAuto().allocate(SIZE); // at once: the chunk just freed, if malloc reuses it
                    guard.fill(PATTERN);
                } catch (IllegalStateException pinned) {
                    closed = false; // the call holds it
                }
                p.first().send(HELLO);
                ReliabilityTestSupport.Outcome o = read.get();
                if (!closed) {
                    if (o.thrown() != null) {
                        fail(round, "the close was refused, yet the read failed: " + o.thrown());
                    }
                    if ((long) o.value() != HELLO.length) {
                        fail(round, "read " + o.value() + " bytes, expected " + HELLO.length);
                    }
                    refusedDuringCall++;
                    continue;
                }
                if (o.thrown() instanceof IllegalStateException) {
                    closedBeforeCall++; // refused before the call: the datagram is still queued
                    p.second().recv(new byte[SIZE]);
                } else {
                    String where = guard.address() == address
                            ? "the guard allocation now at that address holds " + describe(guard)
                            : "a guard allocation did not take the address (it went to 0x" + Long.toHexString(guard.address()) + ")";
                    fail(round, "the arena closed while readv held its memory (" + (inCall ? "the reader was in the system call" : "random delay")
                            + "), and the kernel then wrote " + o.value() + " bytes into the freed memory at 0x"
                            + Long.toHexString(address) + "; " + where + (o.thrown() != null ? "; the read threw " + o.thrown() : ""));
                }
                if (guard.address() == address) {
                    guardReused++;
                    for (int i = 0; i < SIZE; i++) {
                        if (guard.get(ValueLayout.JAVA_BYTE, i) != PATTERN) {
                            fail(round, "freed memory at 0x" + Long.toHexString(address) + " was written after its close: " + describe(guard));
                        }
                    }
                }
            }
        }
        System.out.println("rounds=" + rounds + " refusedDuringCall=" + refusedDuringCall
                + " closedBeforeCall=" + closedBeforeCall + " guardReused=" + guardReused);
        System.exit(0);
    }

    private static String describe(MemorySegment guard) {
        byte[] b = guard.toArray(ValueLayout.JAVA_BYTE);
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < 24; i++) {
            sb.append(b[i] >= 32 && b[i] < 127 ? String.valueOf((char) b[i]) : String.format("\\x%02x", b[i] & 0xff));
        }
        return sb.append("...\"").toString();
    }

    private static void fail(int round, String what) {
        System.out.println("FREED MEMORY WRITTEN in round " + round + ": " + what);
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }
}
