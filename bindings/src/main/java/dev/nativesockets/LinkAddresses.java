package dev.nativesockets;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.linux.NetlinkAddress;
import dev.nativesockets.linux.PacketAddress;
import dev.nativesockets.libc.SockaddrLl;
import dev.nativesockets.libc.SockaddrNl;
import dev.nativesockets.libc.SockaddrVm;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * {@code struct sockaddr_nl}, {@code sockaddr_ll} and {@code sockaddr_vm} to and from their typed
 * addresses. Decoding takes any bytes the kernel (or a fuzzer) gives: a length too short for the
 * struct leaves the address a {@link SockAddr}, and {@code sll_halen} is clamped to
 * {@code sll_addr} and the given length, so nothing is read outside {@code [0, len)}.
 */
final class LinkAddresses {
    private LinkAddresses() {}

    private static final long SLL_ADDR = SockaddrLl.SLL_ADDR.offset();

    static int encode(SocketAddress a, MemorySegment dst) {
        switch (a) {
            case NetlinkAddress n -> {
                requireFamily(SockaddrNl.SIZE, "AF_NETLINK");
                dst.asSlice(0, SockaddrNl.SIZE).fill((byte) 0);
                SockaddrNl.NL_FAMILY.set(dst, Constants.AF_NETLINK);
                SockaddrNl.NL_PID.set(dst, n.pid());
                SockaddrNl.NL_GROUPS.set(dst, n.groups());
                return (int) SockaddrNl.SIZE;
            }
            case PacketAddress p -> {
                requireFamily(SockaddrLl.SIZE, "AF_PACKET");
                dst.asSlice(0, SockaddrLl.SIZE).fill((byte) 0);
                SockaddrLl.SLL_FAMILY.set(dst, Constants.AF_PACKET);
                SockaddrLl.SLL_PROTOCOL.set(dst, Short.toUnsignedInt(Short.reverseBytes((short) p.protocol())));
                SockaddrLl.SLL_IFINDEX.set(dst, p.interfaceIndex());
                SockaddrLl.SLL_HATYPE.set(dst, p.hardwareType());
                SockaddrLl.SLL_PKTTYPE.set(dst, p.packetType());
                byte[] hw = p.address(); // a copy of at most 8 bytes: the raw array is the Linux package's own
                SockaddrLl.SLL_HALEN.set(dst, hw.length);
                MemorySegment.copy(hw, 0, dst, ValueLayout.JAVA_BYTE, SLL_ADDR, hw.length);
                return (int) SockaddrLl.SIZE;
            }
            case VsockAddress v -> {
                requireFamily(SockaddrVm.SIZE, "AF_VSOCK");
                dst.asSlice(0, SockaddrVm.SIZE).fill((byte) 0);
                SockaddrVm.SVM_LEN.set(dst, SockaddrVm.SIZE); // BSD length byte (Darwin); absent on Linux
                SockaddrVm.SVM_FAMILY.set(dst, Constants.AF_VSOCK);
                SockaddrVm.SVM_PORT.set(dst, v.port());
                SockaddrVm.SVM_CID.set(dst, v.cid());
                return (int) SockaddrVm.SIZE;
            }
            default -> throw new IllegalArgumentException("unsupported address type " + a.getClass().getName());
        }
    }

    private static void requireFamily(long size, String family) {
        if (size == 0) {
            throw new UnsupportedOperationException(family + " addresses are Linux-only");
        }
    }

    /** The typed address for these bytes, or {@code null} if the family is none of these or the bytes too short. */
    static SocketAddress decode(int family, MemorySegment src, int len) {
        if (family == Constants.AF_NETLINK && SockaddrNl.SIZE > 0 && len >= SockaddrNl.SIZE) {
            return NetlinkAddress.of(SockaddrNl.NL_PID.getInt(src), SockaddrNl.NL_GROUPS.getInt(src));
        }
        if (family == Constants.AF_PACKET && SockaddrLl.SIZE > 0 && len >= SLL_ADDR) {
            int protocol = Short.toUnsignedInt(Short.reverseBytes((short) SockaddrLl.SLL_PROTOCOL.get(src)));
            int halen = (int) Math.min(SockaddrLl.SLL_HALEN.get(src), Math.min(PacketAddress.MAX_ADDRESS, len - SLL_ADDR));
            byte[] hw = src.asSlice(SLL_ADDR, halen).toArray(ValueLayout.JAVA_BYTE);
            int index = SockaddrLl.SLL_IFINDEX.getInt(src);
            if (index < 0) {
                return null; // no interface has such an index: keep the bytes as they came
            }
            return PacketAddress.of(protocol, index, (int) SockaddrLl.SLL_HATYPE.get(src),
                    (int) SockaddrLl.SLL_PKTTYPE.get(src), hw);
        }
        if (family == Constants.AF_VSOCK && SockaddrVm.SIZE > 0 && len >= SockaddrVm.SIZE) {
            return VsockAddress.of(SockaddrVm.SVM_CID.getInt(src), SockaddrVm.SVM_PORT.getInt(src));
        }
        return null;
    }
}
