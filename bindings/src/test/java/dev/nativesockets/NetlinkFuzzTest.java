package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.Netlink;
import dev.nativesockets.linux.NetlinkMessage;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Any bytes as netlink messages: {@link Netlink#parse} never throws for a valid range, decodes at
 * most one message per 16 bytes, and reads nothing past the length it is given — the same bytes
 * followed by other bytes decode to the same messages.
 *
 * <p>In the normal test run this replays the inputs under {@code src/test/resources}; the
 * {@code fuzz-netlink} execution of {@code verify} fuzzes it (docs/RELIABILITY.md).
 */
class NetlinkFuzzTest {
    static {
        FuzzCorpus.ensure(NetlinkFuzzTest.class, "netlinkBytes");
    }

    @FuzzTest(maxDuration = "30s")
    void netlinkBytes(byte[] raw) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment exact = arena.allocate(Math.max(1, raw.length)).asSlice(0, raw.length);
            exact.copyFrom(MemorySegment.ofArray(raw));
            List<NetlinkMessage> messages = Netlink.parse(exact, raw.length);
            assertTrue(messages.size() <= raw.length / 16, "one message per nlmsghdr at most");
            for (NetlinkMessage m : messages) {
                m.toString();
                m.hashCode();
            }
            // the same bytes with 0xff after them: a walk that read past the length would differ
            MemorySegment padded = arena.allocate(raw.length + 64);
            padded.fill((byte) 0xff);
            padded.copyFrom(MemorySegment.ofArray(raw));
            assertEquals(messages, Netlink.parse(padded, raw.length));
        }
    }
}
