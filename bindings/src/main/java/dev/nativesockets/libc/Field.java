package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One integer member of a C struct: its offset and width, whatever the platform made of it.
 * Fields whose width differs between platforms ({@code msg_iovlen} is {@code size_t} on Linux and
 * {@code int} on Darwin, {@code sa_family_t} is 2 bytes or 1) read and write through the same call.
 *
 * <p>A record, so its components are trusted finals: a {@code static final Field} folds to
 * constants in compiled code and the width switch disappears.
 *
 * @param offset byte offset in the struct, or -1 where the platform has no such member
 * @param width  1, 2, 4 or 8 bytes
 */
public record Field(long offset, int width) {
    /** A member this platform lacks: reads give 0, writes do nothing. */
    public static final Field ABSENT = new Field(-1, 0);

    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    /** The named member of {@code struct}, or {@link #ABSENT} if it has none (or no such struct). */
    public static Field of(GroupLayout struct, String name) {
        long off = offsetOf(struct, name);
        return off < 0 ? ABSENT : new Field(off, (int) memberOf(struct, name).byteSize());
    }

    /**
     * The byte offset of the named member of {@code struct}, or -1 if it has none (or no such
     * struct). What {@code struct.byteOffset(groupElement(name))} gives, by adding up the sizes of
     * the members before it (a struct layout holds its padding as members; a union's members
     * all start at 0): no layout path, whose classes and method handles cost several
     * milliseconds of start-up.
     */
    public static long offsetOf(GroupLayout struct, String name) {
        if (struct == null) {
            return -1;
        }
        boolean union = struct instanceof UnionLayout;
        long off = 0;
        for (MemoryLayout m : struct.memberLayouts()) {
            if (name.equals(m.name().orElse(null))) {
                return off;
            }
            if (!union) {
                off += m.byteSize();
            }
        }
        return -1;
    }

    private static MemoryLayout memberOf(GroupLayout struct, String name) {
        for (MemoryLayout m : struct.memberLayouts()) {
            if (name.equals(m.name().orElse(null))) {
                return m;
            }
        }
        throw new IllegalArgumentException(name);
    }

    public boolean present() {
        return offset >= 0;
    }

    /** Reads the member zero-extended for widths 1 and 2, sign-extended for 4 (C int) and 8. */
    public long get(MemorySegment s) {
        return get(s, 0);
    }

    /**
     * {@link #get(MemorySegment)} of the struct that starts at {@code base} in {@code s}: an entry
     * of a vector such as {@code struct mmsghdr[]}, read without slicing.
     */
    public long get(MemorySegment s, long base) {
        long at = base + offset;
        return switch (width) {
            case 1 -> s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
            case 2 -> s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at) & 0xFFFF;
            case 4 -> s.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            case 8 -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
            default -> 0;
        };
    }

    public int getInt(MemorySegment s) {
        return (int) get(s);
    }

    public void set(MemorySegment s, long v) {
        set(s, 0, v);
    }

    /** {@link #set(MemorySegment, long)} on the struct that starts at {@code base} in {@code s}. */
    public void set(MemorySegment s, long base, long v) {
        long at = base + offset;
        switch (width) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
            case 2 -> s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) v);
            case 4 -> s.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) v);
            case 8 -> s.set(ValueLayout.JAVA_LONG_UNALIGNED, at, v);
            default -> { }
        }
    }

    /**
     * Writes the member into {@code image}, the struct's bytes in a Java array, in native byte
     * order (what {@link #set(MemorySegment, long)} does to a segment). Plain array stores: unlike
     * a segment access, this needs no {@code VarHandle}, whose first use costs milliseconds of
     * start-up. Does nothing for an absent member.
     */
    public void set(byte[] image, long v) {
        int o = (int) offset;
        for (int i = 0; i < width; i++) {
            image[o + i] = (byte) (v >>> (8 * (BIG_ENDIAN ? width - 1 - i : i)));
        }
    }

    /** Writes a 16-bit member in network byte order (ports) into a struct image; see {@link #set(byte[], long)}. */
    public void setNetworkShort(byte[] image, int v) {
        if (width != 2) {
            throw new IllegalStateException("not a 16-bit member: " + this);
        }
        image[(int) offset] = (byte) (v >>> 8);
        image[(int) offset + 1] = (byte) v;
    }

    public MemorySegment getAddress(MemorySegment s) {
        return s.get(ValueLayout.ADDRESS_UNALIGNED, offset);
    }

    public void setAddress(MemorySegment s, MemorySegment address) {
        s.set(ValueLayout.ADDRESS_UNALIGNED, offset, address);
    }

    /** The member's bytes as a slice (arrays and nested structs). */
    public MemorySegment slice(MemorySegment s, long size) {
        return s.asSlice(offset, size);
    }
}
