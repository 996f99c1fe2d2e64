package dev.nativesockets.demo;

import dev.nativesockets.ErrnoException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/** Shared by server-demo and client-demo: UTF-8 output whatever the platform encoding, and error text with the errno name. */
public final class Console {
    private Console() {}

    /** Standard output in UTF-8 (the seed's messages are Chinese), flushed at each line. */
    public static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    /** Standard error in UTF-8, flushed at each line. */
    public static final PrintStream ERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    /** {@code operation: ENAME: message} for a failed call; the exception's own text otherwise. */
    public static String describe(Throwable e) {
        if (e instanceof ErrnoException en) {
            return en.operation() + ": " + en.errnoName() + ": " + en.strerror();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getName() : m;
    }

    /** The errno name of a failure, or {@code null} when it carries none. */
    public static String errnoName(Throwable e) {
        return e instanceof ErrnoException en ? en.errnoName() : null;
    }

    /** {@code host:port}, with brackets for IPv6 ({@code [::1]:1935}). */
    public static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            String host = i.getAddress().getHostAddress();
            return (i.getAddress() instanceof Inet6Address ? "[" + compress(host) + "]" : host) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /** RFC 5952 short form of the JDK's full IPv6 text: the longest run of zero groups becomes {@code ::}. */
    public static String compress(String v6) {
        int pct = v6.indexOf('%');
        String scope = pct < 0 ? "" : v6.substring(pct);
        String[] g = (pct < 0 ? v6 : v6.substring(0, pct)).split(":");
        int bestStart = -1;
        int bestLen = 1; // a single zero group stays as it is
        for (int i = 0; i < g.length; ) {
            int j = i;
            while (j < g.length && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return String.join(":", g) + scope;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return head + "::" + tail + scope;
    }
}
