package dev.nativesockets.linux;

import dev.nativesockets.Interfaces;
import dev.nativesockets.libc.Constants;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A link-layer address, {@code struct sockaddr_ll} (Linux {@code AF_PACKET}): what a packet socket
 * binds to (protocol and interface), sends to (interface and destination hardware address) and
 * receives with each frame (protocol, interface, hardware type, packet type, source address).
 *
 * <p>Immutable. {@link #protocol()} is the EtherType in host order ({@code ETH_P_IP} is 0x0800);
 * the library puts it in network order in {@code sll_protocol}.
 */
public final class PacketAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** The most address bytes {@code sll_addr} holds. */
    public static final int MAX_ADDRESS = 8;

    /** {@code PACKET_HOST}: addressed to this host. */
    public static final int HOST = Constants.PACKET_HOST;
    /** {@code PACKET_BROADCAST}: link-layer broadcast. */
    public static final int BROADCAST = Constants.PACKET_BROADCAST;
    /** {@code PACKET_MULTICAST}: link-layer multicast. */
    public static final int MULTICAST = Constants.PACKET_MULTICAST;
    /** {@code PACKET_OTHERHOST}: to another host, seen in promiscuous mode. */
    public static final int OTHERHOST = Constants.PACKET_OTHERHOST;
    /** {@code PACKET_OUTGOING}: sent by this host, looped back to packet sockets. */
    public static final int OUTGOING = Constants.PACKET_OUTGOING;

    private final int protocol;
    private final int interfaceIndex;
    private final int hardwareType;
    private final int packetType;
    private final byte[] address;

    PacketAddress(int protocol, int interfaceIndex, int hardwareType, int packetType, byte[] address) {
        this.protocol = protocol;
        this.interfaceIndex = interfaceIndex;
        this.hardwareType = hardwareType;
        this.packetType = packetType;
        this.address = address;
    }

    /**
     * For {@code bind(2)}: frames of {@code protocol} (an EtherType such as {@code ETH_P_ALL},
     * host order) on interface {@code interfaceIndex} (0 for all).
     */
    public static PacketAddress bind(int protocol, int interfaceIndex) {
        return of(protocol, interfaceIndex, 0, 0, new byte[0]);
    }

    /**
     * For {@code sendto(2)} on a {@code SOCK_DGRAM} packet socket, where the kernel builds the
     * link-layer header: to {@code destination} (hardware address) through {@code interfaceIndex}.
     * On a {@code SOCK_RAW} packet socket only the interface matters; the frame carries its header.
     */
    public static PacketAddress to(int protocol, int interfaceIndex, byte[] destination) {
        return of(protocol, interfaceIndex, 0, 0, destination);
    }

    /**
     * Every field of {@code struct sockaddr_ll}.
     *
     * @throws IllegalArgumentException for a protocol outside 0..0xffff, a negative index, a
     *     hardware type outside 0..0xffff, a packet type outside 0..255, or more than
     *     {@link #MAX_ADDRESS} address bytes
     */
    public static PacketAddress of(int protocol, int interfaceIndex, int hardwareType, int packetType, byte[] address) {
        Internals.requireArg(address, "address");
        if (protocol < 0 || protocol > 0xffff) {
            throw new IllegalArgumentException("protocol must be in 0..0xffff: " + protocol);
        }
        if (interfaceIndex < 0) {
            throw new IllegalArgumentException("interface index must not be negative: " + interfaceIndex);
        }
        if (hardwareType < 0 || hardwareType > 0xffff) {
            throw new IllegalArgumentException("hardware type must be in 0..0xffff: " + hardwareType);
        }
        if (packetType < 0 || packetType > 0xff) {
            throw new IllegalArgumentException("packet type must be in 0..255: " + packetType);
        }
        if (address.length > MAX_ADDRESS) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESS + " address bytes fit sll_addr, got " + address.length);
        }
        return new PacketAddress(protocol, interfaceIndex, hardwareType, packetType, address.clone());
    }

    /** {@code sll_protocol} in host order: the EtherType. */
    public int protocol() {
        return protocol;
    }

    /** {@code sll_ifindex}: the interface; see {@link Interfaces#name(int)}. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** {@code sll_hatype}: the {@code ARPHRD_*} hardware type (received frames). */
    public int hardwareType() {
        return hardwareType;
    }

    /** {@code sll_pkttype}: {@link #HOST}, {@link #BROADCAST}, {@link #MULTICAST}, {@link #OTHERHOST}, {@link #OUTGOING}. */
    public int packetType() {
        return packetType;
    }

    /** {@code sll_addr[0, sll_halen)}: the hardware address (a copy). */
    public byte[] address() {
        return address.clone();
    }

    int addressLength() {
        return address.length;
    }

    byte[] rawAddress() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PacketAddress p && p.protocol == protocol && p.interfaceIndex == interfaceIndex
                && p.hardwareType == hardwareType && p.packetType == packetType && Arrays.equals(p.address, address);
    }

    @Override
    public int hashCode() {
        return ((protocol * 31 + interfaceIndex) * 31 + packetType) * 31 + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        return "packet(protocol=0x" + Integer.toHexString(protocol) + ", ifindex=" + interfaceIndex
                + ", hatype=" + hardwareType + ", pkttype=" + packetType
                + ", addr=" + HexFormat.ofDelimiter(":").formatHex(address) + ")";
    }
}
