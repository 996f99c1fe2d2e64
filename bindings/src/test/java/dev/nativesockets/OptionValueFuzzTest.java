package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Option values both ways, for every option in {@link NativeOptions}. Decoding: any bytes, any
 * length the kernel could report (0 to the size offered), never an exception but the documented
 * {@link UnsupportedOperationException} of write-only options, and never a read outside the value
 * buffer (the bytes sit in a native segment of exactly the size offered). Encoding: any value of
 * the option's type either is refused with {@link IllegalArgumentException} (or
 * {@link UnsupportedOperationException}) or fits the per-thread value buffer, with nothing written
 * past the length it reports.
 *
 * <p>In the normal test run this replays the inputs under {@code src/test/resources}; the
 * {@code fuzz-options} execution of {@code verify} fuzzes it (docs/RELIABILITY.md).
 */
class OptionValueFuzzTest {
    static {
        FuzzCorpus.ensure(OptionValueFuzzTest.class, "optionValues");
    }

    static final List<NativeOption<?>> OPTIONS = options();

    static List<NativeOption<?>> options() {
        List<NativeOption<?>> all = new ArrayList<>();
        for (Field f : NativeOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && NativeOption.class.isAssignableFrom(f.getType())) {
                try {
                    all.add((NativeOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return all;
    }

    @FuzzTest(maxDuration = "30s")
    void optionValues(FuzzedDataProvider data) {
        NativeOption<?> o = OPTIONS.get(data.consumeInt(0, OPTIONS.size() - 1));
        int size = Math.max(o.codec().size(), 1);
        try (Arena arena = Arena.ofConfined()) {
            if (data.consumeBoolean()) {
                decode(o, data, arena, size);
            } else {
                encode(o, data, arena);
            }
        }
    }

    private static void decode(NativeOption<?> o, FuzzedDataProvider data, Arena arena, int size) {
        int len = data.consumeInt(0, o.codec().size());
        byte[] bytes = data.consumeBytes(size);
        MemorySegment value = arena.allocate(size, 8);
        MemorySegment.copy(bytes, 0, value, ValueLayout.JAVA_BYTE, 0, bytes.length);
        try {
            Object v = o.codec().decode(value, len);
            if (v != null) {
                assertTrue(o.type().isInstance(v), o + " decoded to a " + v.getClass());
                v.toString();
            }
        } catch (UnsupportedOperationException writeOnly) {
            assertTrue(!o.readable(), o + " is readable but its codec refused to decode");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void encode(NativeOption<?> o, FuzzedDataProvider data, Arena arena) {
        Object value = valueOf(o.type(), data);
        if (value == null) {
            return;
        }
        // Socket.setOption encodes into the per-thread value buffer: the value must fit it, and
        // nothing may be written past the length handed to setsockopt(2)
        MemorySegment dst = arena.allocate(Scratch.VALUE_SIZE, 8);
        dst.fill((byte) 0xA5);
        try {
            int len = ((OptionCodec) o.codec()).encode(value, dst);
            assertTrue(len >= 0 && len <= Scratch.VALUE_SIZE, o + " encoded " + len + " bytes");
            for (long i = len; i < Scratch.VALUE_SIZE; i++) {
                if (dst.get(ValueLayout.JAVA_BYTE, i) != (byte) 0xA5) {
                    throw new AssertionError(o + " wrote byte " + i + " past the length " + len + " it reported");
                }
            }
        } catch (IllegalArgumentException | UnsupportedOperationException refused) {
            // documented: a bad value is refused before any native call
        }
    }

    private static Object valueOf(Class<?> type, FuzzedDataProvider data) {
        if (type == Integer.class) {
            return data.consumeInt();
        }
        if (type == Boolean.class) {
            return data.consumeBoolean();
        }
        if (type == Duration.class) {
            try {
                return Duration.ofSeconds(data.consumeLong(), data.consumeLong());
            } catch (ArithmeticException notADuration) {
                return null;
            }
        }
        if (type == String.class) {
            return data.consumeString(200);
        }
        if (type == Membership.class) {
            try {
                InetAddress group = InetAddress.getByAddress(data.consumeBytes(data.consumeBoolean() ? 4 : 16));
                return new Membership(group, data.consumeInt());
            } catch (java.net.UnknownHostException | IllegalArgumentException refused) {
                return null; // not a group: Membership refuses it itself
            }
        }
        return null; // read-only kinds (credentials, tcp_info) and interfaces are not fuzzed on encode
    }
}
