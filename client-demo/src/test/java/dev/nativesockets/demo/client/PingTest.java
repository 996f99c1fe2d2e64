package dev.nativesockets.demo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.demo.DemoProcess;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code client-demo.jar ping} to 127.0.0.1 and ::1: on this machine's own settings (the ping
 * socket is refused where {@code ping_group_range} excludes us, then a raw socket answers), and
 * in a fresh network namespace whose {@code ping_group_range} admits everyone (ping socket path).
 */
@Timeout(120)
class PingTest {
    static final Duration TIME = Duration.ofSeconds(60);
    private static final Pattern REPLY = Pattern.compile(
            "64 bytes from (127\\.0\\.0\\.1|::1): icmp_seq=(\\d+) (ttl|hlim)=64 time=\\d+\\.\\d{3} ms");

    private static void assertPinged(DemoProcess p, String host, int count) throws Exception {
        assertEquals(0, p.exitCode(TIME), p::toString);
        String out = p.stdout();
        String[] lines = out.split("\n");
        assertTrue(lines[0].startsWith("PING " + host + ": 56 data bytes over a "), out);
        for (int i = 1; i <= count; i++) {
            var m = REPLY.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            assertEquals(host, m.group(1));
            assertEquals(Integer.toString(i), m.group(2));
        }
        assertEquals("--- " + host + " ping statistics ---", lines[count + 1], out);
        assertEquals(count + " packets transmitted, " + count + " received, 0% packet loss", lines[count + 2], out);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void pingsLoopbackV4() throws Exception {
        try (DemoProcess p = DemoProcess.client("ping", "127.0.0.1", "--count", "3", "--interval-ms", "10")) {
            if (p.exitCode(TIME) != 0 && p.stderr().contains("no raw socket")) {
                System.out.println("SKIPPED: neither a ping socket nor a raw socket is allowed here: " + p.stderr());
                Assumptions.abort("no ICMP socket allowed");
            }
            assertPinged(p, "127.0.0.1", 3);
        }
    }

    @Test
    void pingsLoopbackV6() throws Exception {
        try (DemoProcess p = DemoProcess.client("ping", "::1", "--count", "2", "--interval-ms", "10")) {
            if (p.exitCode(TIME) != 0 && p.stderr().contains("no raw socket")) {
                System.out.println("SKIPPED: neither a ping socket nor a raw socket is allowed here: " + p.stderr());
                Assumptions.abort("no ICMP socket allowed");
            }
            assertPinged(p, "::1", 2);
        }
    }

    @Test
    void pingSocketPathInANamespaceThatAllowsIt() throws Exception {
        if (!root() || !DemoProcess.available("unshare") || !DemoProcess.available("ip")) {
            System.out.println("SKIPPED: a network namespace needs root, unshare and ip");
            Assumptions.abort("no network namespace");
        }
        String jar = System.getProperty("demo.client.jar");
        String script = "ip link set lo up && echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range && exec "
                + DemoProcess.java() + " -jar " + jar + " ping 127.0.0.1 --count 2 --interval-ms 10";
        try (DemoProcess p = DemoProcess.start("unshare", "-n", "sh", "-c", script)) {
            if (p.exitCode(TIME) != 0 && !p.stdout().startsWith("PING")) {
                // the namespace or its setup (unshare, ip, the sysctl) was refused before the demo ran
                System.out.println("SKIPPED: cannot set up a network namespace here: " + p.stderr());
                Assumptions.abort("namespace setup failed");
            }
            assertPinged(p, "127.0.0.1", 2);
            assertTrue(p.stdout().contains("over a ping socket (SOCK_DGRAM)"), p::toString);
        }
    }
}
