package dev.nativesockets.linux;

import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.Ifaddrmsg;
import dev.nativesockets.libc.Ifinfomsg;
import dev.nativesockets.libc.Nlmsgerr;
import dev.nativesockets.libc.Nlmsghdr;
import dev.nativesockets.libc.Rtattr;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Walks netlink messages and their attributes as {@code NLMSG_NEXT}/{@code RTA_NEXT} do, for any
 * bytes: every {@code nlmsg_len} and {@code rta_len} is checked against what is left of its
 * container before it is used, so nothing outside {@code [0, len)} is read and a message's
 * attributes never run into the next message. A length too small for a header, or larger than
 * what is left, ends that walk; a message too short for its fixed part becomes
 * {@link NetlinkMessage.Other}.
 */
final class NetlinkCodec {
    private NetlinkCodec() {}

    static final int HDR = (int) Nlmsghdr.SIZE;
    static final int ATTR_HDR = (int) Rtattr.SIZE;
    private static final int IFINFO = (int) Ifinfomsg.SIZE;
    private static final int IFADDR = (int) Ifaddrmsg.SIZE;

    static long align(long n) {
        return (n + 3) & ~3L;
    }

    static List<NetlinkMessage> parse(MemorySegment buf, long len) {
        List<NetlinkMessage> out = new ArrayList<>();
        long p = 0;
        while (len - p >= HDR) {
            long msgLen = Integer.toUnsignedLong(Nlmsghdr.NLMSG_LEN.getInt(buf.asSlice(p, HDR)));
            if (msgLen < HDR || msgLen > len - p) {
                break;
            }
            out.add(message(buf.asSlice(p, msgLen)));
            p += align(msgLen);
        }
        return Collections.unmodifiableList(out);
    }

    /** One message: {@code m} is exactly {@code nlmsg_len} bytes. */
    private static NetlinkMessage message(MemorySegment m) {
        int type = (int) Nlmsghdr.NLMSG_TYPE.get(m);
        int flags = (int) Nlmsghdr.NLMSG_FLAGS.get(m);
        int seq = Nlmsghdr.NLMSG_SEQ.getInt(m);
        MemorySegment payload = m.asSlice(HDR);
        long n = payload.byteSize();
        if (type == Constants.NLMSG_DONE) {
            return new NetlinkMessage.Done(type, seq);
        }
        if (type == Constants.NLMSG_ERROR && n >= 4) {
            int error = Nlmsgerr.ERROR.getInt(payload);
            int requestType = n >= Nlmsgerr.SIZE ? (int) Nlmsghdr.NLMSG_TYPE.get(payload.asSlice(Nlmsgerr.MSG.offset(), HDR)) : -1;
            // the kernel sends -errno; a value no kernel sends (MIN_VALUE) must not overflow to a negative errno
            return new NetlinkMessage.Error(type, seq, error == Integer.MIN_VALUE ? Integer.MAX_VALUE : Math.abs(error), requestType);
        }
        if ((type == Constants.RTM_NEWLINK || type == Constants.RTM_DELLINK) && n >= IFINFO) {
            return link(type, seq, payload);
        }
        if ((type == Constants.RTM_NEWADDR || type == Constants.RTM_DELADDR) && n >= IFADDR) {
            return address(type, seq, payload);
        }
        return new NetlinkMessage.Other(type, seq, flags, payload.toArray(ValueLayout.JAVA_BYTE));
    }

    private static NetlinkMessage.Link link(int type, int seq, MemorySegment payload) {
        String name = null;
        String qdisc = null;
        int mtu = -1;
        int txqlen = -1;
        int operState = -1;
        byte[] address = new byte[0];
        byte[] broadcast = new byte[0];
        MemorySegment attrs = payload.asSlice(align(IFINFO) > payload.byteSize() ? payload.byteSize() : align(IFINFO));
        for (long p = 0; ; ) {
            MemorySegment a = attribute(attrs, p);
            if (a == null) {
                break;
            }
            int at = attrType(attrs, p);
            if (at == Constants.IFLA_IFNAME) {
                name = string(a);
            } else if (at == Constants.IFLA_QDISC) {
                qdisc = string(a);
            } else if (at == Constants.IFLA_MTU && a.byteSize() >= 4) {
                mtu = a.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            } else if (at == Constants.IFLA_TXQLEN && a.byteSize() >= 4) {
                txqlen = a.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            } else if (at == Constants.IFLA_OPERSTATE && a.byteSize() >= 1) {
                operState = a.get(ValueLayout.JAVA_BYTE, 0) & 0xff;
            } else if (at == Constants.IFLA_ADDRESS) {
                address = a.toArray(ValueLayout.JAVA_BYTE);
            } else if (at == Constants.IFLA_BROADCAST) {
                broadcast = a.toArray(ValueLayout.JAVA_BYTE);
            }
            p = next(attrs, p);
        }
        return new NetlinkMessage.Link(type, seq, Ifinfomsg.IFI_INDEX.getInt(payload), name,
                Ifinfomsg.IFI_FLAGS.getInt(payload), (int) Ifinfomsg.IFI_TYPE.get(payload), mtu, txqlen, operState,
                qdisc, address, broadcast, type == Constants.RTM_DELLINK);
    }

    private static NetlinkMessage.Address address(int type, int seq, MemorySegment payload) {
        int family = (int) Ifaddrmsg.IFA_FAMILY.get(payload);
        int flags = (int) Ifaddrmsg.IFA_FLAGS.get(payload);
        InetAddress address = null;
        InetAddress local = null;
        String label = null;
        MemorySegment attrs = payload.asSlice(Math.min(align(IFADDR), payload.byteSize()));
        for (long p = 0; ; ) {
            MemorySegment a = attribute(attrs, p);
            if (a == null) {
                break;
            }
            int at = attrType(attrs, p);
            if (at == Constants.IFA_ADDRESS) {
                address = inet(a);
            } else if (at == Constants.IFA_LOCAL) {
                local = inet(a);
            } else if (at == Constants.IFA_LABEL) {
                label = string(a);
            } else if (at == Constants.IFA_FLAGS && a.byteSize() >= 4) {
                flags = a.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            }
            p = next(attrs, p);
        }
        return new NetlinkMessage.Address(type, seq, family, (int) Ifaddrmsg.IFA_PREFIXLEN.get(payload), flags,
                (int) Ifaddrmsg.IFA_SCOPE.get(payload), Ifaddrmsg.IFA_INDEX.getInt(payload), address, local, label,
                type == Constants.RTM_DELADDR);
    }

    /** The payload of the attribute at {@code p}, or {@code null} when none fits there. */
    private static MemorySegment attribute(MemorySegment attrs, long p) {
        long left = attrs.byteSize() - p;
        if (p < 0 || left < ATTR_HDR) {
            return null;
        }
        long rtaLen = Rtattr.RTA_LEN.get(attrs, p);
        if (rtaLen < ATTR_HDR || rtaLen > left) {
            return null;
        }
        return attrs.asSlice(p + ATTR_HDR, rtaLen - ATTR_HDR);
    }

    private static int attrType(MemorySegment attrs, long p) {
        // the top two bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER, not part of the type
        return (int) Rtattr.RTA_TYPE.get(attrs, p) & 0x3fff;
    }

    private static long next(MemorySegment attrs, long p) {
        return p + align(Rtattr.RTA_LEN.get(attrs, p));
    }

    private static String string(MemorySegment a) {
        int end = 0;
        while (end < a.byteSize() && a.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        return new String(a.asSlice(0, end).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private static InetAddress inet(MemorySegment a) {
        long n = a.byteSize();
        if (n != 4 && n != 16) {
            return null;
        }
        try {
            return InetAddress.getByAddress(a.toArray(ValueLayout.JAVA_BYTE));
        } catch (UnknownHostException e) {
            throw new AssertionError("address of fixed length rejected", e);
        }
    }

    /** Writes a dump request ({@code nlmsghdr} + the family-only fixed part) and returns its length. */
    static int dumpRequest(MemorySegment dst, int type, int seq) {
        int fixed = type == Constants.RTM_GETADDR ? IFADDR : IFINFO;
        int len = HDR + fixed;
        dst.asSlice(0, len).fill((byte) 0);
        Nlmsghdr.NLMSG_LEN.set(dst, len);
        Nlmsghdr.NLMSG_TYPE.set(dst, type);
        Nlmsghdr.NLMSG_FLAGS.set(dst, Constants.NLM_F_REQUEST | Constants.NLM_F_DUMP);
        Nlmsghdr.NLMSG_SEQ.set(dst, seq);
        // the family byte of ifinfomsg/ifaddrmsg stays 0: AF_UNSPEC, every family
        return len;
    }
}
