package dev.nativesockets.demo.client;

import dev.nativesockets.Domain;
import dev.nativesockets.linux.HardwareType;
import dev.nativesockets.linux.LinkFlag;
import dev.nativesockets.linux.Netlink;
import dev.nativesockets.linux.NetlinkMessage;
import dev.nativesockets.Socket;
import dev.nativesockets.demo.Args;
import dev.nativesockets.demo.Console;
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
        boolean v6 = a.family() == Domain.INET6.value();
        String family = v6 ? "inet6" : "inet";
        String text = a.address() == null ? "?" : a.address().getHostAddress();
        if (v6) {
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
        if (LinkFlag.UP.isSet(flags) && !LinkFlag.RUNNING.isSet(flags)) {
            out.add("NO-CARRIER");
        }
        for (LinkFlag f : LinkFlag.of(flags)) { // ip(8)'s order
            if (f != LinkFlag.RUNNING) { // ip says NO-CARRIER for its absence, nothing for its presence
                out.add(f.name());
            }
        }
        return out;
    }

    private static String hardware(int type) {
        if (type == HardwareType.ETHER) {
            return "ether";
        }
        if (type == HardwareType.LOOPBACK) {
            return "loopback";
        }
        if (type == HardwareType.NONE) {
            return "none";
        }
        return Integer.toString(type);
    }
}
