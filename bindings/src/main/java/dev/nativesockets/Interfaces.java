package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Network interface names and indexes: {@code if_nametoindex(3)} and {@code if_indextoname(3)}.
 * The index is what {@link dev.nativesockets.linux.PacketAddress}, {@link Membership}, IPv6 scope ids and netlink
 * messages use.
 */
public final class Interfaces {
    private Interfaces() {}

    /**
     * {@code if_nametoindex(3)}: the index of the interface called {@code name} ({@code "lo"}).
     *
     * @throws IllegalArgumentException for a name that is empty, contains NUL or does not fit {@code IF_NAMESIZE}
     * @throws IOException (ENODEV) when there is no such interface
     */
    public static int index(String name) throws IOException {
        byte[] b = Checks.requireArg(name, "name").getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length >= Constants.IF_NAMESIZE) {
            throw new IllegalArgumentException("interface name must be 1 to " + (Constants.IF_NAMESIZE - 1) + " bytes: " + name);
        }
        for (byte c : b) {
            if (c == 0) {
                throw new IllegalArgumentException("interface name contains a NUL byte");
            }
        }
        Scratch s = Scratch.get();
        MemorySegment text = s.text;
        MemorySegment.copy(b, 0, text, ValueLayout.JAVA_BYTE, 0, b.length);
        text.set(ValueLayout.JAVA_BYTE, b.length, (byte) 0);
        int index = LibC.if_nametoindex(s.cs, text);
        if (index == 0) {
            int errno = s.errno();
            throw Errno.exception("if_nametoindex(" + name + ")", errno != 0 ? errno : Constants.ENODEV);
        }
        return index;
    }

    /**
     * {@code if_indextoname(3)}: the name of interface {@code index}.
     *
     * @throws IllegalArgumentException for an index below 1
     * @throws IOException (ENXIO) when there is no such interface
     */
    public static String name(int index) throws IOException {
        if (index < 1) {
            throw new IllegalArgumentException("interface index must be positive: " + index);
        }
        Scratch s = Scratch.get();
        MemorySegment text = s.text;
        text.asSlice(0, Constants.IF_NAMESIZE).fill((byte) 0);
        MemorySegment r = LibC.if_indextoname(s.cs, index, text);
        if (r.address() == 0) {
            int errno = s.errno();
            throw Errno.exception("if_indextoname(" + index + ")", errno != 0 ? errno : Constants.ENXIO);
        }
        int end = 0;
        while (end < Constants.IF_NAMESIZE && text.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        return new String(text.asSlice(0, end).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
