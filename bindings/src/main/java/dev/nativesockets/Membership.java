package dev.nativesockets;

import java.net.InetAddress;

/**
 * A multicast group membership for {@link NativeOptions#IP_ADD_MEMBERSHIP} and friends
 * ({@code struct ip_mreqn} on Linux / {@code ip_mreq}, {@code struct ipv6_mreq}).
 *
 * @param group          the multicast group
 * @param interfaceIndex the interface, 0 to let the kernel choose
 */
public record Membership(InetAddress group, int interfaceIndex) {
    /** Checks the group is a multicast address and the index is not negative. */
    public Membership {
        if (group == null) {
            throw new IllegalArgumentException("group is null");
        }
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address");
        }
        if (interfaceIndex < 0) {
            throw new IllegalArgumentException("interface index is negative: " + interfaceIndex);
        }
    }
}
