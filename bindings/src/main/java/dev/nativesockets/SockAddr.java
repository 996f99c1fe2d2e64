package dev.nativesockets;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A socket address exactly as the kernel sees it: the family and the bytes of the
 * {@code struct sockaddr}. For what {@link java.net.InetSocketAddress} and
 * {@link java.net.UnixDomainSocketAddress} cannot say: Linux abstract Unix names, unnamed Unix
 * sockets when the caller wants to tell, and families this library does not decode.
 *
 * <p>Immutable. Accepted wherever a {@link SocketAddress} is; {@link Socket} returns the JDK types
 * when they can represent the address and a {@code SockAddr} otherwise.
 */
public final class SockAddr extends SocketAddress {
    private static final long serialVersionUID = 1L;

    private final int family;
    private final byte[] bytes;

    private SockAddr(int family, byte[] bytes) {
        this.family = family;
        this.bytes = bytes;
    }

    /**
     * A Linux abstract Unix-domain name: {@code sun_path} begins with a NUL byte and the name is
     * the bytes after it (no terminator), not a file.
     *
     * @throws IllegalArgumentException if the name does not fit in {@code sun_path} after the NUL
     * @throws UnsupportedOperationException on platforms without abstract names (Darwin)
     */
    public static SockAddr abstractUnix(String name) {
        return abstractUnix(Checks.requireArg(name, "name").getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #abstractUnix(String)} with the name's raw bytes. */
    public static SockAddr abstractUnix(byte[] name) {
        return Addresses.abstractUnix(Checks.requireArg(name, "name"));
    }

    /** The {@code struct sockaddr} bytes of any address this library can encode. */
    public static SockAddr of(SocketAddress address) {
        if (address instanceof SockAddr s) {
            return s;
        }
        Scratch.enterCall(); // a virtual thread gives its lease back after, as after a call
        try {
            Scratch scratch = Scratch.get();
            int len = Addresses.encode(address, scratch.addr, -1);
            return fromSegment(scratch.addr, len);
        } finally {
            Scratch.exitCall();
        }
    }

    /** An address from raw {@code struct sockaddr} bytes (family read from them). */
    public static SockAddr fromBytes(byte[] raw) {
        Checks.requireArg(raw, "bytes");
        if (raw.length < Addresses.FAMILY_END) {
            throw new IllegalArgumentException("a sockaddr needs at least " + Addresses.FAMILY_END + " bytes, got " + raw.length);
        }
        if (raw.length > Scratch.ADDR_SIZE) {
            throw new IllegalArgumentException("a sockaddr is at most " + Scratch.ADDR_SIZE + " bytes, got " + raw.length);
        }
        return new SockAddr(Addresses.family(MemorySegment.ofArray(raw)), raw.clone());
    }

    static SockAddr fromSegment(MemorySegment src, int len) {
        byte[] raw = src.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new SockAddr(Addresses.family(src), raw);
    }

    /** The address family ({@code AF_INET}, {@code AF_UNIX}, …) as the platform numbers it. */
    public int family() {
        return family;
    }

    /** A copy of the {@code struct sockaddr} bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    void copyTo(MemorySegment dst) {
        MemorySegment.copy(bytes, 0, dst, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /** Whether this is a Linux abstract Unix name. */
    public boolean isAbstractUnix() {
        return Addresses.isAbstract(family, bytes);
    }

    /** The abstract name's bytes (after the leading NUL), or {@code null} if this is not one. */
    public byte[] abstractName() {
        return isAbstractUnix() ? Arrays.copyOfRange(bytes, Addresses.SUN_PATH + 1, bytes.length) : null;
    }

    /**
     * The JDK type for this address where one can say it ({@link java.net.InetSocketAddress},
     * {@link java.net.UnixDomainSocketAddress}), else {@code this}. Never throws: a Unix path that
     * is not UTF-8 or not a valid {@link java.nio.file.Path} under the current locale stays a
     * {@code SockAddr}, so that the bytes are not lost.
     */
    public SocketAddress toSocketAddress() {
        return Addresses.decode(MemorySegment.ofArray(bytes), bytes.length, false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddr s && s.family == family && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * family + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (isAbstractUnix()) {
            return "@" + new String(abstractName(), StandardCharsets.UTF_8);
        }
        return "sockaddr(family=" + family + ", " + HexFormat.of().formatHex(bytes) + ")";
    }
}
