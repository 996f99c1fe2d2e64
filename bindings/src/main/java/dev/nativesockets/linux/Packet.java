package dev.nativesockets.linux;

import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Interfaces;
import dev.nativesockets.libc.Constants;
import java.io.IOException;

/**
 * Packet sockets ({@code AF_PACKET}, Linux): link-layer frames in and out. Needs CAP_NET_RAW
 * ({@code EPERM} without).
 *
 * <ul>
 *   <li>{@link #open(Type, int) open(Type.RAW, protocol)}: whole frames, link-layer header
 *       included, both ways; {@code Type.DGRAM}: the kernel strips and builds that header, the
 *       address says where to.</li>
 *   <li>{@link Socket#bind bind} to a {@link PacketAddress#bind(int, int) PacketAddress} limits the
 *       socket to one interface ({@link #openOn} does both).</li>
 *   <li>{@link Socket#recvFrom(java.lang.foreign.MemorySegment, int) recvFrom} gives each frame
 *       with its {@link PacketAddress}: protocol, interface, hardware type, packet type
 *       ({@link PacketAddress#OUTGOING} for frames this host sent), source address.</li>
 *   <li>{@link Socket#sendTo(java.lang.foreign.MemorySegment, int, java.net.SocketAddress) sendTo}
 *       a frame through an interface.</li>
 *   <li>{@link NativeOptions#PACKET_ADD_MEMBERSHIP} with {@link PacketMembership#promiscuous}
 *       turns on promiscuous mode for as long as the socket lives.</li>
 * </ul>
 */
public final class Packet {
    private Packet() {}

    /** {@code ETH_P_ALL}: every protocol (only for receiving). */
    public static final int ALL = Constants.ETH_P_ALL;
    /** {@code ETH_P_IP}: IPv4. */
    public static final int IPV4 = Constants.ETH_P_IP;
    /** {@code ETH_P_IPV6}: IPv6. */
    public static final int IPV6 = Constants.ETH_P_IPV6;
    /** {@code ETH_P_ARP}. */
    public static final int ARP = Constants.ETH_P_ARP;
    /** {@code ETH_HLEN}: the Ethernet header in front of a {@code SOCK_RAW} frame. */
    public static final int ETHERNET_HEADER = Constants.ETH_HLEN;

    /**
     * {@code socket(AF_PACKET, type, htons(protocol))}.
     *
     * @param type     {@link Type#RAW} (frames with their link-layer header) or {@link Type#DGRAM}
     * @param protocol an EtherType in host order ({@link #ALL}, {@link #IPV4}, …); 0 receives nothing until bound
     */
    public static Socket open(Type type, int protocol) throws IOException {
        Internals.requireArg(type, "type");
        if (type != Type.RAW && type != Type.DGRAM) {
            throw new IllegalArgumentException("packet sockets are SOCK_RAW or SOCK_DGRAM, not " + type);
        }
        checkProtocol(protocol);
        if (Constants.AF_PACKET == Constants.UNSUPPORTED) {
            throw new UnsupportedOperationException("packet sockets are Linux-only");
        }
        return Socket.open(Constants.AF_PACKET, type.value(), htons(protocol));
    }

    /**
     * {@link #open} and {@code bind(2)} to interface {@code interfaceName} for {@code protocol}: only
     * that interface's frames arrive. The socket is closed again if binding fails.
     */
    public static Socket openOn(String interfaceName, Type type, int protocol) throws IOException {
        int index = Interfaces.index(interfaceName);
        Socket s = open(type, protocol);
        try {
            s.bind(PacketAddress.bind(protocol, index));
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static int htons(int v) {
        return Short.toUnsignedInt(Short.reverseBytes((short) v));
    }

    private static void checkProtocol(int protocol) {
        if (protocol < 0 || protocol > 0xffff) {
            throw new IllegalArgumentException("protocol is a 16-bit EtherType: " + protocol);
        }
    }
}
