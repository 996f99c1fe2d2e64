package dev.nativesockets.demo.client;

import dev.nativesockets.Netlink;
import dev.nativesockets.NetlinkMessage;
import dev.nativesockets.Socket;
import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code client-demo links}: the interfaces of this network namespace, one line each like
 * {@code ip -o link}, from a routing-netlink {@code RTM_GETLINK} dump; with
 * {@code --addresses yes}, then their addresses like {@code ip -o addr} ({@code RTM_GETADDR}).
 */
final class Links {
    private Links() {}

    /** ip(8)'s order of the flag names. */
    private static final String[] NAMES = {"LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP", "ALLMULTI",
        "PROMISC", "MASTER", "SLAVE", "DEBUG", "DYNAMIC", "AUTOMEDIA", "PORTSEL", "NOTRAILERS", "UP", "LOWER_UP",
        "DORMANT", "ECHO"};
    private static final int[] BITS = {Constants.IFF_LOOPBACK, Constants.IFF_BROADCAST, Constants.IFF_POINTOPOINT,
        Constants.IFF_MULTICAST, Constants.IFF_NOARP, Constants.IFF_ALLMULTI, Constants.IFF_PROMISC, Constants.IFF_MASTER,
        Constants.IFF_SLAVE, Constants.IFF_DEBUG, Constants.IFF_DYNAMIC, Constants.IFF_AUTOMEDIA, Constants.IFF_PORTSEL,
        Constants.IFF_NOTRAILERS, Constants.IFF_UP, Constants.IFF_LOWER_UP, Constants.IFF_DORMANT, Constants.IFF_ECHO};
    private static final String[] OPER_STATES = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

    static int run(Args args) {
        boolean addresses = args.string("addresses", "no").equals("yes");
        try (Socket s = Netlink.openRoute()) {
            for (NetlinkMessage.Link l : Netlink.links(s)) {
                Console.OUT.println(line(l));
            }
            if (addresses) {
                for (NetlinkMessage.Address a : Netlink.addresses(s)) {
                    Console.OUT.println(line(a));
                }
            }
            return 0;
        } catch (IOException e) {
            Console.ERR.println("client-demo links: " + Console.describe(e));
            return 1;
        } catch (UnsupportedOperationException e) {
            Console.ERR.println("client-demo links: " + e.getMessage());
            return 1;
        }
    }

    static String line(NetlinkMessage.Link l) {
        StringBuilder b = new StringBuilder();
        b.append(l.index()).append(": ").append(l.name()).append(": <").append(String.join(",", flags(l.flags())))
                .append(">");
        if (l.mtu() >= 0) {
            b.append(" mtu ").append(l.mtu());
        }
        if (l.qdisc() != null) {
            b.append(" qdisc ").append(l.qdisc());
        }
        if (l.operState() >= 0) {
            b.append(" state ").append(l.operState() < OPER_STATES.length ? OPER_STATES[l.operState()] : Integer.toString(l.operState()));
        }
        if (l.txQueueLength() >= 0) {
            b.append(" qlen ").append(l.txQueueLength());
        }
        b.append(" link/").append(hardware(l.hardwareType()));
        if (l.address().length > 0) {
            b.append(' ').append(HexFormat.ofDelimiter(":").formatHex(l.address()));
        }
        if (l.broadcast().length > 0) {
            b.append(" brd ").append(HexFormat.ofDelimiter(":").formatHex(l.broadcast()));
        }
        return b.toString();
    }

    static String line(NetlinkMessage.Address a) {
        String family = a.family() == Constants.AF_INET6 ? "inet6" : "inet";
        String text = a.address() == null ? "?" : a.address().getHostAddress();
        if (a.family() == Constants.AF_INET6) {
            text = Console.compress(text);
        }
        String scope = switch (a.scope()) {
            case 0 -> "global";
            case 253 -> "link";
            case 254 -> "host";
            default -> Integer.toString(a.scope());
        };
        return a.index() + ": " + family + " " + text + "/" + a.prefixLength() + " scope " + scope
                + (a.label() != null ? " " + a.label() : "");
    }

    static List<String> flags(int flags) {
        List<String> out = new ArrayList<>();
        if ((flags & Constants.IFF_UP) != 0 && (flags & Constants.IFF_RUNNING) == 0) {
            out.add("NO-CARRIER");
        }
        for (int i = 0; i < BITS.length; i++) {
            if ((flags & BITS[i]) != 0) {
                out.add(NAMES[i]);
            }
        }
        return out;
    }

    private static String hardware(int type) {
        if (type == Constants.ARPHRD_ETHER) {
            return "ether";
        }
        if (type == Constants.ARPHRD_LOOPBACK) {
            return "loopback";
        }
        if (type == Constants.ARPHRD_NONE) {
            return "none";
        }
        return Integer.toString(type);
    }
}
