package dev.nativesockets.libc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@link Field} computes member offsets without layout paths and writes struct images without
 * segment accesses (both for start-up): here both are checked against what the layout API says,
 * for every member of every struct of every platform table.
 */
class FieldTest {
    @Test
    void offsetsAndWidthsAreThoseOfTheLayoutPaths() {
        int checked = 0;
        for (Platform p : Platform.values()) {
            for (GroupLayout struct : p.table().structs().values()) {
                for (MemoryLayout m : struct.memberLayouts()) {
                    if (m.name().isEmpty()) {
                        continue; // padding
                    }
                    String name = m.name().get();
                    long expected = struct.byteOffset(MemoryLayout.PathElement.groupElement(name));
                    assertEquals(expected, Field.offsetOf(struct, name), () -> p + " " + struct.name() + "." + name);
                    Field f = Field.of(struct, name);
                    assertEquals(expected, f.offset(), () -> p + " " + struct.name() + "." + name);
                    assertEquals(m.byteSize(), f.width(), () -> p + " " + struct.name() + "." + name);
                    checked++;
                }
            }
        }
        assertTrue(checked > 100, "members checked: " + checked);
    }

    @Test
    void unionMembersAllStartAtZero() {
        GroupLayout u = MemoryLayout.unionLayout(ValueLayout.JAVA_INT.withName("a"), ValueLayout.JAVA_LONG.withName("b"));
        assertEquals(0, Field.offsetOf(u, "a"));
        assertEquals(0, Field.offsetOf(u, "b"));
    }

    @Test
    void absentMembersAndStructs() {
        assertSame(Field.ABSENT, Field.of(null, "x"));
        assertSame(Field.ABSENT, Field.of(Platform.current().table().struct("sockaddr"), "no_such_member"));
        assertEquals(-1, Field.offsetOf(null, "x"));
        byte[] image = new byte[4];
        Field.ABSENT.set(image, -1);
        assertArrayEquals(new byte[4], image);
        assertFalse(Field.ABSENT.present());
    }

    @Test
    void imageWritesAreSegmentWritesInNativeOrder() {
        long[] values = {0, 1, -1, 0x1234, 0x80, 0x7fff_ffffL, 0x1122_3344_5566_7788L, Integer.MIN_VALUE};
        for (int width : new int[] {1, 2, 4, 8}) {
            for (int offset : new int[] {0, 1, 3, 8}) {
                Field f = new Field(offset, width);
                for (long v : values) {
                    byte[] viaSegment = new byte[16];
                    f.set(MemorySegment.ofArray(viaSegment), v);
                    byte[] viaImage = new byte[16];
                    f.set(viaImage, v);
                    assertArrayEquals(viaSegment, viaImage, () -> "width " + width + " offset " + offset + " value " + v);
                }
            }
        }
    }

    @Test
    void networkShortIsBigEndian() {
        Field port = Field.of(Platform.current().table().struct("sockaddr_in"), "sin_port");
        byte[] image = new byte[16];
        port.setNetworkShort(image, 0xABCD);
        short read = MemorySegment.ofArray(image)
                .get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), port.offset());
        assertEquals((short) 0xABCD, read);
    }
}
