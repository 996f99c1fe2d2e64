package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.DateTimeException;
import java.util.List;

/**
 * Any bytes as a control buffer (what {@code recvmsg(2)} leaves in {@code msg_control}, whole or cut
 * short): {@link ControlMessage#parse} never throws, never reads outside {@code [0, length)} — the
 * bytes sit at the end of a native segment of exactly that size, so a read past it fails — and
 * owns no descriptor. Every message it returns that {@code sendmsg} would accept encodes and
 * parses back to itself.
 *
 * <p>In the normal test run this replays the inputs under {@code src/test/resources}; the
 * {@code fuzz-cmsg} execution of {@code verify} fuzzes it (docs/RELIABILITY.md).
 */
class ControlMessageFuzzTest {
    static {
        FuzzCorpus.ensure(ControlMessageFuzzTest.class, "controlBufferToMessages");
    }

    @FuzzTest(maxDuration = "30s")
    void controlBufferToMessages(FuzzedDataProvider data) {
        int cut = data.consumeInt(0, 1 << 16);
        byte[] bytes = data.consumeRemainingAsBytes();
        int length = Math.min(cut, bytes.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, bytes.length), 1);
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment exact = buf.asSlice(0, length);
            List<ControlMessage> ms = ControlMessage.parse(exact, length);
            for (ControlMessage m : ms) {
                m.toString();
                m.hashCode();
                assertTrue(m.dataLength() >= 0);
                if (m instanceof ControlMessage.Rights r) {
                    assertTrue(r.descriptors().isEmpty(), "parse must not own descriptors");
                    r.close(); // closes nothing: it owns nothing
                }
                if (m instanceof ControlMessage.Timestamp t) {
                    try {
                        t.instant();
                    } catch (DateTimeException | ArithmeticException documented) {
                        // values no kernel gives
                    }
                }
                roundTrip(m);
            }
        }
    }

    /** A message the sender side accepts must come back as itself. */
    private static void roundTrip(ControlMessage m) {
        try {
            ControlMessages.check(m);
        } catch (IllegalArgumentException | UnsupportedOperationException refused) {
            return; // documented: refused before any native call
        }
        List<ControlMessage> one = List.of(m);
        try (Arena arena = Arena.ofConfined()) {
            int len = ControlMessages.totalSpace(one);
            MemorySegment out = arena.allocate(Math.max(1, len), 8).asSlice(0, len);
            assertEquals(len, ControlMessages.encode(one, out));
            List<ControlMessage> back = ControlMessage.parse(out, len);
            assertEquals(1, back.size(), () -> m + " came back as " + back);
            assertEquals(normal(m), normal(back.get(0)), "round trip of " + m);
        }
    }

    private static String normal(ControlMessage m) {
        return switch (m) {
            case ControlMessage.Rights r -> "Rights" + java.util.Arrays.toString(r.numbers());
            // SCM_TIMESTAMP carries microseconds: compare at that precision
            case ControlMessage.Timestamp t when !t.nanoseconds() -> "Timestamp[" + t.seconds() + ", " + t.nanos() / 1000 + "us]";
            default -> m.toString();
        };
    }
}
