package dev.nativesockets.linux;

import dev.nativesockets.NativeOptions;
import dev.nativesockets.libc.Constants;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A packet-socket membership for {@link NativeOptions#PACKET_ADD_MEMBERSHIP} and
 * {@link NativeOptions#PACKET_DROP_MEMBERSHIP} ({@code struct packet_mreq}, Linux): promiscuous
 * mode, all-multicast, or one link-layer multicast address, on one interface. The kernel counts
 * memberships and drops them when the socket closes, so promiscuous mode ends with the socket.
 */
public final class PacketMembership {
    private final int interfaceIndex;
    private final int type;
    private final byte[] address;

    private PacketMembership(int interfaceIndex, int type, byte[] address) {
        if (interfaceIndex < 1) {
            throw new IllegalArgumentException("interface index must be positive: " + interfaceIndex);
        }
        if (address.length > PacketAddress.MAX_ADDRESS) {
            throw new IllegalArgumentException("at most " + PacketAddress.MAX_ADDRESS + " address bytes fit mr_address");
        }
        this.interfaceIndex = interfaceIndex;
        this.type = type;
        this.address = address;
    }

    /** {@code PACKET_MR_PROMISC}: every frame on the wire of interface {@code interfaceIndex}. */
    public static PacketMembership promiscuous(int interfaceIndex) {
        return new PacketMembership(interfaceIndex, Constants.PACKET_MR_PROMISC, new byte[0]);
    }

    /** {@code PACKET_MR_ALLMULTI}: every link-layer multicast frame. */
    public static PacketMembership allMulticast(int interfaceIndex) {
        return new PacketMembership(interfaceIndex, Constants.PACKET_MR_ALLMULTI, new byte[0]);
    }

    /** {@code PACKET_MR_MULTICAST}: frames to one link-layer multicast address. */
    public static PacketMembership multicast(int interfaceIndex, byte[] address) {
        return new PacketMembership(interfaceIndex, Constants.PACKET_MR_MULTICAST, Internals.requireArg(address, "address").clone());
    }

    /** {@code mr_ifindex}. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** {@code mr_type}: {@code PACKET_MR_PROMISC}, {@code PACKET_MR_ALLMULTI} or {@code PACKET_MR_MULTICAST}. */
    public int type() {
        return type;
    }

    /** {@code mr_address[0, mr_alen)} (a copy). */
    public byte[] address() {
        return address.clone();
    }

    byte[] rawAddress() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PacketMembership m && m.interfaceIndex == interfaceIndex && m.type == type
                && Arrays.equals(m.address, address);
    }

    @Override
    public int hashCode() {
        return (interfaceIndex * 31 + type) * 31 + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        return "PacketMembership[ifindex=" + interfaceIndex + ", type=" + type + ", address="
                + HexFormat.ofDelimiter(":").formatHex(address) + "]";
    }
}
