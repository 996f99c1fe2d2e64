package dev.nativesockets.demo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.demo.DemoProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code client-demo.jar links}: lo is there, and where ip(8) exists each link agrees with {@code ip -o link}. */
@Timeout(120)
class LinksTest {
    static final Duration TIME = Duration.ofSeconds(60);
    /** index, name, flags and mtu: the part of a line both print the same way. */
    private static final Pattern HEAD = Pattern.compile("^(\\d+): ([^:@ ]+)[^:]*: <([^>]*)> mtu (\\d+)");

    private static List<String> heads(String out) {
        List<String> heads = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = HEAD.matcher(line);
            if (m.find()) {
                heads.add(m.group(1) + " " + m.group(2) + " <" + m.group(3) + "> " + m.group(4));
            }
        }
        return heads;
    }

    @Test
    void listsLoopback() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "netlink is Linux-only");
        try (DemoProcess p = DemoProcess.client("links", "--addresses", "yes")) {
            assertEquals(0, p.exitCode(TIME), p::toString);
            assertTrue(Pattern.compile("(?m)^\\d+: lo: <LOOPBACK,UP,LOWER_UP> mtu \\d+ .* link/loopback 00:00:00:00:00:00")
                    .matcher(p.stdout()).find(), p::toString);
            assertTrue(Pattern.compile("(?m)^\\d+: inet 127\\.0\\.0\\.1/8 scope host lo$").matcher(p.stdout()).find(), p::toString);
        }
    }

    @Test
    void agreesWithIpLink() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "netlink is Linux-only");
        if (!DemoProcess.available("ip")) {
            System.out.println("SKIPPED: no ip(8) to compare with");
            Assumptions.abort("no ip(8)");
        }
        try (DemoProcess ip = DemoProcess.start("ip", "-o", "link");
             DemoProcess p = DemoProcess.client("links")) {
            assertEquals(0, ip.exitCode(TIME), ip::toString);
            assertEquals(0, p.exitCode(TIME), p::toString);
            List<String> expected = heads(ip.stdout());
            assertTrue(!expected.isEmpty(), ip::toString);
            assertEquals(expected, heads(p.stdout()));
        }
    }
}
