package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.In6Pktinfo;
import dev.nativesockets.libc.InPktinfo;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Timespec;
import dev.nativesockets.libc.Timeval;
import dev.nativesockets.libc.Ucred;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Encoding and decoding of {@link ControlMessage}s; the parsing half is fed arbitrary bytes by tests. */
final class ControlMessages {
    private ControlMessages() {}

    private static final boolean LINUX = Platform.current().isLinux();

    private static boolean is(int value, int constant) {
        return constant != Constants.UNSUPPORTED && value == constant;
    }

    /** The payload size of a known kind, or -1. */
    static int payloadSize(int level, int type, int n) {
        if (is(level, Constants.SOL_SOCKET)) {
            if (is(type, Constants.SCM_RIGHTS)) {
                if (n > Cmsg.MAX_FDS) {
                    throw new IllegalArgumentException("at most " + Cmsg.MAX_FDS + " descriptors fit one SCM_RIGHTS message: " + n);
                }
                return 4 * n;
            }
            if (is(type, Constants.SCM_CREDENTIALS) && Ucred.SIZE > 0) return (int) Ucred.SIZE;
            if (is(type, Constants.SCM_TIMESTAMP)) return (int) Timeval.SIZE;
            if (is(type, Constants.SCM_TIMESTAMPNS)) return (int) Timespec.SIZE;
        } else if (is(level, Constants.IPPROTO_IP)) {
            if (is(type, Constants.IP_PKTINFO)) return (int) InPktinfo.SIZE;
            if (is(type, Constants.IP_TTL) || is(type, Constants.IP_TOS)) return 4;
            if (is(type, Constants.IP_RECVTTL) || is(type, Constants.IP_RECVTOS)) return LINUX ? 4 : 1;
        } else if (is(level, Constants.IPPROTO_IPV6)) {
            if (is(type, Constants.IPV6_PKTINFO)) return (int) In6Pktinfo.SIZE;
            if (is(type, Constants.IPV6_HOPLIMIT) || is(type, Constants.IPV6_TCLASS)) return 4;
        }
        return LinuxControlMessages.payloadSize(level, type);
    }

    // ---- decoding ------------------------------------------------------------------------------

    /**
     * Decodes {@code [0, len)}. SCM_RIGHTS entries take their {@link ControlMessage.Rights} from
     * {@code owned} in order when given (the owned objects recvmsg made), else become unowned numbers.
     */
    static List<ControlMessage> parse(MemorySegment buf, long len, List<ControlMessage.Rights> owned) {
        List<ControlMessage> out = new ArrayList<>();
        int nextOwned = 0;
        for (long p = 0; p >= 0; p = Cmsg.next(buf, len, p)) {
            int dataLen = Cmsg.dataLength(buf, len, p);
            if (dataLen < 0) {
                break;
            }
            int level = Cmsg.level(buf, p);
            int type = Cmsg.type(buf, p);
            MemorySegment data = buf.asSlice(p + Cmsg.HDR, dataLen);
            if (owned != null && isRights(level, type)) {
                if (nextOwned < owned.size()) {
                    out.add(owned.get(nextOwned++));
                }
                continue;
            }
            out.add(decode(level, type, data));
        }
        return Collections.unmodifiableList(out);
    }

    static boolean isRights(int level, int type) {
        return is(level, Constants.SOL_SOCKET) && is(type, Constants.SCM_RIGHTS);
    }

    private static ControlMessage decode(int level, int type, MemorySegment data) {
        int n = (int) data.byteSize();
        ControlMessage offload = LinuxControlMessages.decode(level, type, data);
        if (offload != null) {
            return offload;
        }
        if (is(level, Constants.SOL_SOCKET)) {
            if (is(type, Constants.SCM_RIGHTS)) {
                int[] fds = new int[n / 4];
                for (int i = 0; i < fds.length; i++) {
                    fds[i] = data.get(ValueLayout.JAVA_INT_UNALIGNED, 4L * i);
                }
                return new ControlMessage.Rights(fds, null, null, List.of());
            }
            if (is(type, Constants.SCM_CREDENTIALS) && Ucred.SIZE > 0 && n >= Ucred.SIZE) {
                return new ControlMessage.Creds(new Credentials(
                        Ucred.PID.getInt(data), Ucred.UID.getInt(data), Ucred.GID.getInt(data)));
            }
            if (is(type, Constants.SCM_TIMESTAMPNS) && n >= Timespec.SIZE) {
                return new ControlMessage.Timestamp(Timespec.TV_SEC.get(data), Timespec.TV_NSEC.get(data), true);
            }
            if (is(type, Constants.SCM_TIMESTAMP) && n >= Timeval.SIZE) {
                long usec = Timeval.TV_USEC.get(data);
                long nanos = (usec > Long.MAX_VALUE / 1000 || usec < Long.MIN_VALUE / 1000) ? usec : usec * 1000;
                return new ControlMessage.Timestamp(Timeval.TV_SEC.get(data), nanos, false);
            }
        } else if (is(level, Constants.IPPROTO_IP)) {
            if (is(type, Constants.IP_PKTINFO) && n >= InPktinfo.SIZE) {
                InetAddress addr = inet(InPktinfo.IPI_ADDR.slice(data, 4));
                InetAddress spec = inet(InPktinfo.IPI_SPEC_DST.slice(data, 4));
                return new ControlMessage.PacketInfo(addr, spec, InPktinfo.IPI_IFINDEX.getInt(data), false);
            }
            if (is(type, Constants.IP_TTL) || is(type, Constants.IP_RECVTTL)) {
                int v = smallInt(data);
                if (v >= 0) return new ControlMessage.Ttl(v);
            }
            if (is(type, Constants.IP_TOS) || is(type, Constants.IP_RECVTOS)) {
                int v = smallInt(data);
                if (v >= 0) return new ControlMessage.Tos(v);
            }
        } else if (is(level, Constants.IPPROTO_IPV6)) {
            if (is(type, Constants.IPV6_PKTINFO) && n >= In6Pktinfo.SIZE) {
                InetAddress addr = inet(In6Pktinfo.IPI6_ADDR.slice(data, 16));
                return new ControlMessage.PacketInfo(addr, addr, In6Pktinfo.IPI6_IFINDEX.getInt(data), true);
            }
            if (is(type, Constants.IPV6_HOPLIMIT) && n >= 4) {
                return new ControlMessage.HopLimit(data.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            }
            if (is(type, Constants.IPV6_TCLASS) && n >= 4) {
                return new ControlMessage.TrafficClass(data.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            }
        }
        return new ControlMessage.Raw(level, type, data.toArray(ValueLayout.JAVA_BYTE));
    }

    /** A one-byte (Darwin, Linux IP_TOS) or int payload; -1 for any other size. */
    private static int smallInt(MemorySegment data) {
        long n = data.byteSize();
        if (n >= 4) {
            return data.get(ValueLayout.JAVA_INT_UNALIGNED, 0) & Integer.MAX_VALUE;
        }
        if (n >= 1) {
            return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, 0));
        }
        return -1;
    }

    private static InetAddress inet(MemorySegment raw) {
        try {
            return InetAddress.getByAddress(raw.toArray(ValueLayout.JAVA_BYTE));
        } catch (UnknownHostException e) {
            throw new AssertionError("address of fixed length rejected", e);
        }
    }

    // ---- encoding ------------------------------------------------------------------------------

    /** Checks one outgoing message and returns its payload length; throws before any native call. */
    static int check(ControlMessage m) {
        Checks.requireArg(m, "control message");
        switch (m) {
            case ControlMessage.Rights r -> {
                int n = r.rawNumbers().length;
                if (n == 0 || n > Cmsg.MAX_FDS) {
                    throw new IllegalArgumentException("SCM_RIGHTS carries 1 to " + Cmsg.MAX_FDS + " descriptors, not " + n);
                }
                for (int fd : r.rawNumbers()) {
                    if (fd < 0) {
                        throw new IllegalArgumentException("negative descriptor " + fd + " in SCM_RIGHTS");
                    }
                }
            }
            case ControlMessage.Creds c -> {
                if (Constants.SCM_CREDENTIALS == Constants.UNSUPPORTED || Ucred.SIZE == 0) {
                    throw new UnsupportedOperationException("SCM_CREDENTIALS is Linux-only; on Darwin use NativeOptions.SO_PEERCRED");
                }
                Checks.requireArg(c.credentials(), "credentials");
            }
            case ControlMessage.PacketInfo p -> {
                supported(p.type(), p.ipv6() ? "IPV6_PKTINFO" : "IP_PKTINFO");
                InetAddress a = p.address() != null ? p.address() : p.localAddress();
                if (a == null) {
                    throw new IllegalArgumentException("packet info needs an address");
                }
                if (!p.ipv6() && (!(a instanceof Inet4Address)
                        || (p.localAddress() != null && !(p.localAddress() instanceof Inet4Address)))) {
                    throw new IllegalArgumentException("IP_PKTINFO takes IPv4 addresses, got " + a);
                }
                if (p.interfaceIndex() < 0) {
                    throw new IllegalArgumentException("interface index must not be negative: " + p.interfaceIndex());
                }
            }
            case ControlMessage.Ttl t -> range("IP_TTL", t.value(), 1, 255);
            case ControlMessage.HopLimit h -> {
                supported(h.type(), "IPV6_HOPLIMIT");
                range("IPV6_HOPLIMIT", h.value(), -1, 255);
            }
            case ControlMessage.Tos t -> range("IP_TOS", t.value(), 0, 255);
            case ControlMessage.TrafficClass t -> {
                supported(t.type(), "IPV6_TCLASS");
                range("IPV6_TCLASS", t.value(), -1, 255);
            }
            case ControlMessage.Timestamp t -> supported(t.type(), t.nanoseconds() ? "SCM_TIMESTAMPNS" : "SCM_TIMESTAMP");
            case SegmentSize g -> LinuxControlMessages.check(g);
            case ExtendedError e -> throw new IllegalArgumentException("an extended error is receive-only: " + e);
            case ControlMessage.Raw r -> {
                if (r.dataLength() > Cmsg.MAX_CONTROL - Cmsg.HDR) {
                    throw new IllegalArgumentException("control payload of " + r.dataLength() + " bytes is larger than "
                            + (Cmsg.MAX_CONTROL - Cmsg.HDR));
                }
            }
        }
        return m.dataLength();
    }

    private static void supported(int value, String name) {
        if (value == Constants.UNSUPPORTED) {
            throw new UnsupportedOperationException(name + " is not available on " + Platform.current());
        }
    }

    private static void range(String name, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(name + " must be in " + lo + ".." + hi + ": " + v);
        }
    }

    /** The room all of {@code ms} take (sum of CMSG_SPACE); checks each and the total. */
    static int totalSpace(List<ControlMessage> ms) {
        long total = 0;
        for (int i = 0, n = ms.size(); i < n; i++) {
            total += Cmsg.space(check(ms.get(i)));
            if (total > Cmsg.MAX_CONTROL) {
                throw new IllegalArgumentException("control messages take more than " + Cmsg.MAX_CONTROL + " bytes");
            }
        }
        return (int) total;
    }

    /**
     * Writes {@code ms} into {@code dst} (zeroed padding included) with {@code numbers} giving the
     * descriptor numbers to put in SCM_RIGHTS entries (the held-open values). Returns the length.
     */
    static int encode(List<ControlMessage> ms, MemorySegment dst) {
        long p = 0;
        for (int i = 0, n = ms.size(); i < n; i++) {
            ControlMessage m = ms.get(i);
            int dataLen = m.dataLength();
            int space = Cmsg.space(dataLen);
            dst.asSlice(p, space).fill((byte) 0);
            Cmsg.header(dst, p, m.level(), m.type(), dataLen);
            MemorySegment data = dst.asSlice(p + Cmsg.HDR, dataLen);
            encodeData(m, data);
            p += space;
        }
        return (int) p;
    }

    private static void encodeData(ControlMessage m, MemorySegment data) {
        switch (m) {
            case ControlMessage.Rights r -> {
                int[] fds = r.rawNumbers();
                for (int i = 0; i < fds.length; i++) {
                    data.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * i, fds[i]);
                }
            }
            case ControlMessage.Creds c -> {
                Ucred.PID.set(data, c.credentials().pid());
                Ucred.UID.set(data, c.credentials().uid());
                Ucred.GID.set(data, c.credentials().gid());
            }
            case ControlMessage.PacketInfo p -> {
                InetAddress addr = p.address() != null ? p.address() : p.localAddress();
                InetAddress local = p.localAddress() != null ? p.localAddress() : addr;
                if (p.ipv6()) {
                    MemorySegment.copy(v6Bytes(addr), 0, data, ValueLayout.JAVA_BYTE, In6Pktinfo.IPI6_ADDR.offset(), 16);
                    In6Pktinfo.IPI6_IFINDEX.set(data, p.interfaceIndex());
                } else {
                    InPktinfo.IPI_IFINDEX.set(data, p.interfaceIndex());
                    MemorySegment.copy(local.getAddress(), 0, data, ValueLayout.JAVA_BYTE, InPktinfo.IPI_SPEC_DST.offset(), 4);
                    MemorySegment.copy(addr.getAddress(), 0, data, ValueLayout.JAVA_BYTE, InPktinfo.IPI_ADDR.offset(), 4);
                }
            }
            case ControlMessage.Ttl t -> data.set(ValueLayout.JAVA_INT_UNALIGNED, 0, t.value());
            case ControlMessage.HopLimit h -> data.set(ValueLayout.JAVA_INT_UNALIGNED, 0, h.value());
            case ControlMessage.Tos t -> data.set(ValueLayout.JAVA_INT_UNALIGNED, 0, t.value());
            case ControlMessage.TrafficClass t -> data.set(ValueLayout.JAVA_INT_UNALIGNED, 0, t.value());
            case ControlMessage.Timestamp t -> {
                if (t.nanoseconds()) {
                    Timespec.TV_SEC.set(data, t.seconds());
                    Timespec.TV_NSEC.set(data, t.nanos());
                } else {
                    Timeval.TV_SEC.set(data, t.seconds());
                    Timeval.TV_USEC.set(data, t.nanos() / 1000);
                }
            }
            case SegmentSize g -> LinuxControlMessages.encode(g, data);
            case ExtendedError e -> throw new AssertionError("refused by check: " + e);
            case ControlMessage.Raw r -> MemorySegment.copy(r.data(), 0, data, ValueLayout.JAVA_BYTE, 0, r.dataLength());
        }
    }

    private static byte[] v6Bytes(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }
}
