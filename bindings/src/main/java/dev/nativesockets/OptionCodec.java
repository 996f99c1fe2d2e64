package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.linux.PacketMembership;
import dev.nativesockets.libc.IpMreq;
import dev.nativesockets.libc.IpMreqn;
import dev.nativesockets.libc.Ipv6Mreq;
import dev.nativesockets.libc.Linger;
import dev.nativesockets.libc.Platform;
import dev.nativesockets.libc.Timeval;
import dev.nativesockets.libc.Ucred;
import dev.nativesockets.libc.Xucred;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** How one option's value sits in the {@code optval} buffer. */
interface OptionCodec<T> {
    /** Writes {@code value} into {@code dst} and returns {@code optlen}; rejects bad values. */
    int encode(T value, MemorySegment dst);

    /** Reads a value of {@code len} bytes. */
    T decode(MemorySegment src, int len);

    /** The buffer size getsockopt should offer. */
    default int size() {
        return 4;
    }

    OptionCodec<Integer> INT = new OptionCodec<>() {
        public int encode(Integer v, MemorySegment dst) {
            dst.set(ValueLayout.JAVA_INT, 0, v);
            return 4;
        }

        public Integer decode(MemorySegment src, int len) {
            // some options (IP_MULTICAST_TTL/LOOP on some kernels) answer with one byte
            return len >= 4 ? src.get(ValueLayout.JAVA_INT, 0) : Byte.toUnsignedInt(src.get(ValueLayout.JAVA_BYTE, 0));
        }
    };

    OptionCodec<Integer> NON_NEGATIVE_INT = new OptionCodec<>() {
        public int encode(Integer v, MemorySegment dst) {
            if (v < 0) {
                throw new IllegalArgumentException("value must not be negative: " + v);
            }
            return INT.encode(v, dst);
        }

        public Integer decode(MemorySegment src, int len) {
            return INT.decode(src, len);
        }
    };

    OptionCodec<Boolean> BOOL = new OptionCodec<>() {
        public int encode(Boolean v, MemorySegment dst) {
            dst.set(ValueLayout.JAVA_INT, 0, v ? 1 : 0);
            return 4;
        }

        public Boolean decode(MemorySegment src, int len) {
            return INT.decode(src, len) != 0;
        }
    };

    /** {@code struct linger} as the JDK's SO_LINGER: seconds, negative for off. */
    OptionCodec<Integer> LINGER = new OptionCodec<>() {
        public int encode(Integer v, MemorySegment dst) {
            Linger.L_ONOFF.set(dst, v >= 0 ? 1 : 0);
            Linger.L_LINGER.set(dst, Math.max(v, 0));
            return (int) Linger.SIZE;
        }

        public Integer decode(MemorySegment src, int len) {
            return Linger.L_ONOFF.getInt(src) != 0 ? Linger.L_LINGER.getInt(src) : -1;
        }

        public int size() {
            return (int) Linger.SIZE;
        }
    };

    /** {@code struct timeval} as a {@link Duration}; zero means no timeout. */
    OptionCodec<Duration> TIMEVAL = new OptionCodec<>() {
        public int encode(Duration v, MemorySegment dst) {
            if (v.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + v);
            }
            // rounded up to the microsecond, as WaitTimeout's rule has it: a wait never ends early,
            // and a positive timeout under 1 us must not become 0, which the kernel reads as "none"
            long sec = v.getSeconds();
            long usec = (v.getNano() + 999) / 1000;
            if (usec == 1_000_000) {
                if (sec == Long.MAX_VALUE) {
                    usec = 999_999; // the kernel saturates this to "forever" anyway
                } else {
                    sec++;
                    usec = 0;
                }
            }
            Timeval.TV_SEC.set(dst, sec);
            Timeval.TV_USEC.set(dst, usec);
            return (int) Timeval.SIZE;
        }

        public Duration decode(MemorySegment src, int len) {
            // normalised without overflow: a kernel gives 0 <= tv_usec < 1e6, garbage must not throw
            long sec = Timeval.TV_SEC.get(src);
            long usec = Timeval.TV_USEC.get(src);
            long carry = Math.floorDiv(usec, 1_000_000L);
            long s = (sec ^ (sec + carry)) < 0 && (carry ^ (sec + carry)) < 0
                    ? (carry > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : sec + carry;
            return Duration.ofSeconds(s, Math.floorMod(usec, 1_000_000L) * 1000);
        }

        public int size() {
            return (int) Timeval.SIZE;
        }
    };

    /** A NUL-terminated name (SO_BINDTODEVICE, TCP_CONGESTION); empty clears it. */
    OptionCodec<String> STRING = new OptionCodec<>() {
        public int encode(String v, MemorySegment dst) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            if (b.length >= 64) {
                throw new IllegalArgumentException("option string too long: " + v);
            }
            MemorySegment.copy(b, 0, dst, ValueLayout.JAVA_BYTE, 0, b.length);
            dst.set(ValueLayout.JAVA_BYTE, b.length, (byte) 0);
            return b.length + 1;
        }

        public String decode(MemorySegment src, int len) {
            int end = 0;
            while (end < len && src.get(ValueLayout.JAVA_BYTE, end) != 0) {
                end++;
            }
            return new String(src.asSlice(0, end).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }

        public int size() {
            return 64;
        }
    };

    /** SO_PEERCRED ({@code struct ucred}) or LOCAL_PEERCRED ({@code struct xucred}). */
    OptionCodec<Credentials> PEER_CREDENTIALS = new OptionCodec<>() {
        public int encode(Credentials v, MemorySegment dst) {
            throw new UnsupportedOperationException("peer credentials are read-only");
        }

        public Credentials decode(MemorySegment src, int len) {
            if (Platform.current().isLinux()) {
                return new Credentials(Ucred.PID.getInt(src), Ucred.UID.getInt(src), Ucred.GID.getInt(src));
            }
            int ngroups = Xucred.CR_NGROUPS.getInt(src);
            int gid = ngroups > 0 ? Xucred.CR_GROUPS.slice(src, 4).get(ValueLayout.JAVA_INT, 0) : -1;
            return new Credentials(-1, Xucred.CR_UID.getInt(src), gid);
        }

        public int size() {
            return (int) Math.max(Ucred.SIZE, Xucred.SIZE);
        }
    };

    /** IPv4 membership: {@code ip_mreqn} where it exists (by index), else {@code ip_mreq}. */
    OptionCodec<Membership> MEMBERSHIP_V4 = new OptionCodec<>() {
        public int encode(Membership m, MemorySegment dst) {
            if (!(m.group() instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv4 membership needs an IPv4 group, got " + m.group());
            }
            if (IpMreqn.LAYOUT != null) {
                dst.asSlice(0, IpMreqn.SIZE).fill((byte) 0);
                MemorySegment.copy(m.group().getAddress(), 0, dst, ValueLayout.JAVA_BYTE, IpMreqn.IMR_MULTIADDR.offset(), 4);
                IpMreqn.IMR_IFINDEX.set(dst, m.interfaceIndex());
                return (int) IpMreqn.SIZE;
            }
            if (m.interfaceIndex() != 0) {
                throw new UnsupportedOperationException("joining by interface index needs ip_mreqn");
            }
            dst.asSlice(0, IpMreq.SIZE).fill((byte) 0);
            MemorySegment.copy(m.group().getAddress(), 0, dst, ValueLayout.JAVA_BYTE, IpMreq.IMR_MULTIADDR.offset(), 4);
            return (int) IpMreq.SIZE;
        }

        public Membership decode(MemorySegment src, int len) {
            throw new UnsupportedOperationException("membership options are write-only");
        }
    };

    OptionCodec<Membership> MEMBERSHIP_V6 = new OptionCodec<>() {
        public int encode(Membership m, MemorySegment dst) {
            if (!(m.group() instanceof Inet6Address)) {
                throw new IllegalArgumentException("IPv6 membership needs an IPv6 group, got " + m.group());
            }
            dst.asSlice(0, Ipv6Mreq.SIZE).fill((byte) 0);
            MemorySegment.copy(m.group().getAddress(), 0, dst, ValueLayout.JAVA_BYTE, Ipv6Mreq.IPV6MR_MULTIADDR.offset(), 16);
            Ipv6Mreq.IPV6MR_INTERFACE.set(dst, m.interfaceIndex());
            return (int) Ipv6Mreq.SIZE;
        }

        public Membership decode(MemorySegment src, int len) {
            throw new UnsupportedOperationException("membership options are write-only");
        }
    };

    /**
     * IPv4 {@code IP_MULTICAST_IF}: set as {@code struct ip_mreqn} (interface index and its first
     * IPv4 address); read back as the {@code in_addr} the kernel reports, {@code null} when unset.
     */
    OptionCodec<NetworkInterface> MULTICAST_IF_V4 = new OptionCodec<>() {
        public int encode(NetworkInterface ni, MemorySegment dst) {
            if (IpMreqn.LAYOUT == null) {
                throw new UnsupportedOperationException("IP_MULTICAST_IF by interface needs ip_mreqn");
            }
            dst.asSlice(0, IpMreqn.SIZE).fill((byte) 0);
            ni.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst().ifPresent(a ->
                    MemorySegment.copy(a.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, IpMreqn.IMR_ADDRESS.offset(), 4));
            IpMreqn.IMR_IFINDEX.set(dst, ni.getIndex());
            return (int) IpMreqn.SIZE;
        }

        public NetworkInterface decode(MemorySegment src, int len) {
            byte[] raw = src.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE);
            if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == 0) {
                return null;
            }
            try {
                return NetworkInterface.getByInetAddress(InetAddress.getByAddress(raw));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** IPv6 {@code IPV6_MULTICAST_IF}: the interface index; {@code null} (index 0) when unset. */
    OptionCodec<NetworkInterface> MULTICAST_IF_V6 = new OptionCodec<>() {
        public int encode(NetworkInterface ni, MemorySegment dst) {
            return INT.encode(ni.getIndex(), dst);
        }

        public NetworkInterface decode(MemorySegment src, int len) {
            int index = INT.decode(src, len);
            try {
                return index <= 0 ? null : NetworkInterface.getByIndex(index); // no interface has index <= 0
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    OptionCodec<TcpInfo> TCP_INFO = new OptionCodec<>() {
        public int encode(TcpInfo v, MemorySegment dst) {
            throw new UnsupportedOperationException("TCP_INFO is read-only");
        }

        public TcpInfo decode(MemorySegment src, int len) {
            return TcpInfoDecoder.decode(src);
        }

        public int size() {
            return (int) dev.nativesockets.libc.TcpInfo.SIZE;
        }
    };

    /** {@code struct packet_mreq}. */
    OptionCodec<PacketMembership> PACKET_MEMBERSHIP = new OptionCodec<>() {
        public int encode(PacketMembership m, MemorySegment dst) {
            if (dev.nativesockets.libc.PacketMreq.SIZE == 0) {
                throw new UnsupportedOperationException("packet memberships are Linux-only");
            }
            dst.asSlice(0, dev.nativesockets.libc.PacketMreq.SIZE).fill((byte) 0);
            dev.nativesockets.libc.PacketMreq.MR_IFINDEX.set(dst, m.interfaceIndex());
            dev.nativesockets.libc.PacketMreq.MR_TYPE.set(dst, m.type());
            byte[] address = m.address();
            dev.nativesockets.libc.PacketMreq.MR_ALEN.set(dst, address.length);
            MemorySegment.copy(address, 0, dst, ValueLayout.JAVA_BYTE,
                    dev.nativesockets.libc.PacketMreq.MR_ADDRESS.offset(), address.length);
            return (int) dev.nativesockets.libc.PacketMreq.SIZE;
        }

        public PacketMembership decode(MemorySegment src, int len) {
            throw new UnsupportedOperationException("packet memberships are write-only");
        }
    };

    /** The domain-independent default error for an option this platform lacks. */
    static UnsupportedOperationException unsupported(NativeOption<?> o) {
        return new UnsupportedOperationException(o.name() + " is not supported on " + Platform.current()
                + (Constants.UNSUPPORTED == o.level() ? " (no such level)" : ""));
    }
}
