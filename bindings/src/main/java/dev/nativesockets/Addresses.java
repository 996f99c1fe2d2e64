package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.linux.NetlinkAddress;
import dev.nativesockets.linux.PacketAddress;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Sockaddr;
import dev.nativesockets.libc.SockaddrIn;
import dev.nativesockets.libc.SockaddrIn6;
import dev.nativesockets.libc.SockaddrUn;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Encodes Java socket addresses into {@code struct sockaddr} bytes and back. */
final class Addresses {
    private Addresses() {}

    static final int SUN_PATH = (int) SockaddrUn.SUN_PATH.offset();
    static final int SUN_PATH_SIZE = (int) (SockaddrUn.SIZE - SUN_PATH);
    static final int FAMILY_END = (int) (Sockaddr.SA_FAMILY.offset() + Sockaddr.SA_FAMILY.width());
    private static final boolean HAS_ABSTRACT = Platform.current().isLinux();
    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    static int family(MemorySegment sa) {
        return Sockaddr.SA_FAMILY.getInt(sa);
    }

    /** The family an address will be encoded with, without encoding it. */
    static int familyOf(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() instanceof Inet6Address ? Constants.AF_INET6 : Constants.AF_INET;
        }
        if (a instanceof UnixDomainSocketAddress) {
            return Constants.AF_UNIX;
        }
        if (a instanceof SockAddr s) {
            return s.family();
        }
        if (a instanceof NetlinkAddress) {
            return Constants.AF_NETLINK;
        }
        if (a instanceof PacketAddress) {
            return Constants.AF_PACKET;
        }
        if (a instanceof VsockAddress) {
            return Constants.AF_VSOCK;
        }
        throw new IllegalArgumentException("unsupported address type " + (a == null ? "null" : a.getClass().getName()));
    }

    /**
     * Writes {@code a} into {@code dst} (at least {@link Scratch#ADDR_SIZE} bytes) and returns its
     * length. {@code socketFamily} (or -1) lets an IPv4 address go to an IPv6 socket as
     * {@code ::ffff:a.b.c.d}.
     */
    static int encode(SocketAddress a, MemorySegment dst, int socketFamily) {
        if (a == null) {
            throw new IllegalArgumentException("address is null");
        }
        if (a instanceof SockAddr s) {
            s.copyTo(dst);
            return s.length();
        }
        if (a instanceof InetSocketAddress i) {
            InetAddress ip = i.getAddress();
            if (ip == null) {
                throw new IllegalArgumentException("unresolved address " + i.getHostString()
                        + ": resolve it first (AddressInfo, or new InetSocketAddress(host, port))");
            }
            if (ip instanceof Inet4Address && socketFamily != Constants.AF_INET6) {
                return inet4(dst, ip.getAddress(), i.getPort());
            }
            byte[] raw = ip.getAddress();
            int scope = 0;
            if (ip instanceof Inet6Address v6) {
                scope = v6.getScopeId();
            } else {
                byte[] mapped = new byte[16];
                System.arraycopy(V4_MAPPED_PREFIX, 0, mapped, 0, 12);
                System.arraycopy(raw, 0, mapped, 12, 4);
                raw = mapped;
            }
            return inet6(dst, raw, i.getPort(), scope);
        }
        if (a instanceof UnixDomainSocketAddress u) {
            byte[] path = u.getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (path.length >= SUN_PATH_SIZE) {
                throw new IllegalArgumentException("Unix socket path is " + path.length + " bytes; at most "
                        + (SUN_PATH_SIZE - 1) + " fit in sun_path: " + u.getPath());
            }
            for (byte b : path) {
                if (b == 0) {
                    throw new IllegalArgumentException("Unix socket path contains a NUL byte; use SockAddr.abstractUnix for abstract names");
                }
            }
            byte[] image = image((int) SockaddrUn.SIZE);
            SockaddrUn.SUN_FAMILY.set(image, Constants.AF_UNIX);
            System.arraycopy(path, 0, image, SUN_PATH, path.length);
            // a path ends with its NUL; the empty path is the unnamed address (autobind on Linux)
            int len = path.length == 0 ? SUN_PATH : SUN_PATH + path.length + 1;
            SockaddrUn.SUN_LEN.set(image, len);
            return copy(image, dst, (int) SockaddrUn.SIZE, len);
        }
        if (a instanceof NetlinkAddress || a instanceof PacketAddress || a instanceof VsockAddress) {
            return LinkAddresses.encode(a, dst);
        }
        throw new IllegalArgumentException("unsupported address type " + a.getClass().getName());
    }

    // The struct is put together in a per-thread Java array and copied out in one go: plain array
    // stores need no VarHandle, whose first use (layout paths, LambdaForms) costs ~4 ms of start-up,
    // and one bulk copy replaces a fill and a write per member.

    /** This thread's struct image, its first {@code size} bytes zeroed. */
    private static byte[] image(int size) {
        byte[] image = Scratch.get().image;
        Arrays.fill(image, 0, size, (byte) 0);
        return image;
    }

    /** Copies the whole struct image ({@code size} bytes) to {@code dst}; returns {@code len}. */
    private static int copy(byte[] image, MemorySegment dst, int size, int len) {
        MemorySegment.copy(image, 0, dst, ValueLayout.JAVA_BYTE, 0, size);
        return len;
    }

    static int inet4(MemorySegment dst, byte[] ip, int port) {
        int size = (int) SockaddrIn.SIZE;
        byte[] image = image(size);
        SockaddrIn.SIN_LEN.set(image, size);
        SockaddrIn.SIN_FAMILY.set(image, Constants.AF_INET);
        SockaddrIn.SIN_PORT.setNetworkShort(image, port);
        System.arraycopy(ip, 0, image, (int) SockaddrIn.SIN_ADDR.offset(), 4);
        return copy(image, dst, size, size);
    }

    static int inet6(MemorySegment dst, byte[] ip, int port, int scope) {
        int size = (int) SockaddrIn6.SIZE;
        byte[] image = image(size);
        SockaddrIn6.SIN6_LEN.set(image, size);
        SockaddrIn6.SIN6_FAMILY.set(image, Constants.AF_INET6);
        SockaddrIn6.SIN6_PORT.setNetworkShort(image, port);
        System.arraycopy(ip, 0, image, (int) SockaddrIn6.SIN6_ADDR.offset(), 16);
        SockaddrIn6.SIN6_SCOPE_ID.set(image, scope);
        return copy(image, dst, size, size);
    }

    static SockAddr abstractUnix(byte[] name) {
        if (!HAS_ABSTRACT) {
            throw new UnsupportedOperationException("abstract Unix socket names are Linux-only");
        }
        if (name.length + 1 > SUN_PATH_SIZE) {
            throw new IllegalArgumentException("abstract name is " + name.length + " bytes; at most "
                    + (SUN_PATH_SIZE - 1) + " fit in sun_path");
        }
        byte[] raw = new byte[SUN_PATH + 1 + name.length];
        MemorySegment seg = MemorySegment.ofArray(raw);
        SockaddrUn.SUN_FAMILY.set(seg, Constants.AF_UNIX);
        System.arraycopy(name, 0, raw, SUN_PATH + 1, name.length);
        return SockAddr.fromBytes(raw);
    }

    static boolean isAbstract(int family, byte[] raw) {
        return HAS_ABSTRACT && family == Constants.AF_UNIX && raw.length > SUN_PATH && raw[SUN_PATH] == 0;
    }

    /**
     * Reads the address the kernel wrote ({@code len} bytes). IPv4, IPv6 and Unix paths become JDK
     * types; abstract names, other families, Unix paths that are not UTF-8 or not a valid
     * {@link java.nio.file.Path} here, and IPv6 scope ids above {@code Integer.MAX_VALUE} a
     * {@link SockAddr} — unless {@code raw} asks for a {@code SockAddr} always.
     */
    static SocketAddress decode(MemorySegment src, int len, boolean raw) {
        if (len < FAMILY_END) {
            // the kernel gives an unnamed Unix socket (socketpair, unbound client) as family only, or nothing
            return UnixDomainSocketAddress.of("");
        }
        int family = family(src);
        if (raw) {
            return SockAddr.fromSegment(src, len);
        }
        try {
            if (family == Constants.AF_INET && len >= SockaddrIn.SIZE) {
                byte[] ip = SockaddrIn.SIN_ADDR.slice(src, 4).toArray(ValueLayout.JAVA_BYTE);
                int port = Short.toUnsignedInt(Short.reverseBytes((short) SockaddrIn.SIN_PORT.get(src)));
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == Constants.AF_INET6 && len >= SockaddrIn6.SIZE) {
                byte[] ip = SockaddrIn6.SIN6_ADDR.slice(src, 16).toArray(ValueLayout.JAVA_BYTE);
                int port = Short.toUnsignedInt(Short.reverseBytes((short) SockaddrIn6.SIN6_PORT.get(src)));
                int scope = SockaddrIn6.SIN6_SCOPE_ID.getInt(src);
                if (scope < 0) {
                    return SockAddr.fromSegment(src, len); // no interface has such an index; Inet6Address drops it
                }
                InetAddress addr = scope != 0 && !isV4Mapped(ip)
                        ? Inet6Address.getByAddress(null, ip, scope)
                        : InetAddress.getByAddress(ip);
                return new InetSocketAddress(addr, port);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("address of fixed length rejected", e);
        }
        SocketAddress link = LinkAddresses.decode(family, src, len);
        if (link != null) {
            return link;
        }
        if (family == Constants.AF_UNIX) {
            if (len <= SUN_PATH) {
                return UnixDomainSocketAddress.of("");
            }
            if (HAS_ABSTRACT && src.get(ValueLayout.JAVA_BYTE, SUN_PATH) == 0) {
                return SockAddr.fromSegment(src, len);
            }
            int end = SUN_PATH;
            while (end < len && src.get(ValueLayout.JAVA_BYTE, end) != 0) {
                end++;
            }
            byte[] path = src.asSlice(SUN_PATH, end - SUN_PATH).toArray(ValueLayout.JAVA_BYTE);
            // a path that is not UTF-8 (what encode writes), that the JDK cannot hold as a Path
            // (InvalidPathException: e.g. non-ASCII under the POSIX locale), or that Path would
            // rewrite ("a//b", "s/") stays a SockAddr: the bytes as the kernel gave them
            try {
                String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(path)).toString();
                UnixDomainSocketAddress u = UnixDomainSocketAddress.of(text);
                return u.getPath().toString().equals(text) ? u : SockAddr.fromSegment(src, len);
            } catch (java.nio.charset.CharacterCodingException | java.nio.file.InvalidPathException e) {
                return SockAddr.fromSegment(src, len);
            }
        }
        return SockAddr.fromSegment(src, len);
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 12; i++) {
            if (ip[i] != V4_MAPPED_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }
}
