package dev.nativesockets.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared by server-demo and client-demo: {@code --name value} options after the command word; unknown names and missing values are errors. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(List<String> args, Set<String> known) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else if (a.startsWith("--")) {
                name = a.substring(2);
                if (i + 1 >= args.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args.get(++i);
            } else {
                throw new UsageException("unexpected argument: " + a);
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            values.put(name, value);
        }
    }

    public String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    public int integer(String name, int dflt, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be in [" + min + ", " + max + "]: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is not a number: " + v);
        }
    }

    /** {@code --host} and {@code --port} as an address; the host is a literal or a name to resolve. */
    public InetSocketAddress address(String dfltHost, int dfltPort) {
        String host = string("host", dfltHost);
        int port = integer("port", dfltPort, 0, 65535);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new UsageException("unknown host: " + host);
        }
    }

    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
