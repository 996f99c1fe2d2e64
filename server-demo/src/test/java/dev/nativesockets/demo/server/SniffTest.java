package dev.nativesockets.demo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.demo.DemoProcess;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code server-demo.jar sniff --iface lo}: sees the UDP datagrams this test sends over lo (CAP_NET_RAW). */
@Timeout(120)
class SniffTest {
    static final Duration TIME = Duration.ofSeconds(60);

    @Test
    void printsTheDatagramsSentOverLo() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "packet sockets are Linux-only");
        int port = DemoProcess.freePort();
        try (DemoProcess sniff = DemoProcess.server("sniff", "--iface", "lo", "--count", "4", "--port",
                Integer.toString(port), "--promisc", "yes");
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            try {
                sniff.awaitListening(TIME);
            } catch (AssertionError e) {
                if (sniff.stderr().contains("EPERM")) {
                    System.out.println("SKIPPED: packet sockets need CAP_NET_RAW: " + sniff.stderr());
                    Assumptions.abort("no CAP_NET_RAW");
                }
                throw e;
            }
            byte[] data = "sniffed".getBytes();
            // resend until the sniffer has its 4 frames: a flood elsewhere on lo may drop some
            for (int i = 0; i < 100 && sniff.process.isAlive(); i++) {
                udp.send(new DatagramPacket(data, data.length, InetAddress.getByName("127.0.0.1"), port));
                sniff.process.waitFor(200, TimeUnit.MILLISECONDS);
            }
            assertEquals(0, sniff.exitCode(TIME), sniff::toString);
            String[] lines = sniff.stdout().split("\n");
            assertEquals(4, lines.length, sniff::toString);
            Pattern line = Pattern.compile("lo (out|in ) IPv4 UDP 127\\.0\\.0\\.1:" + udp.getLocalPort()
                    + " > 127\\.0\\.0\\.1:" + port + ", 49 bytes");
            for (String l : lines) {
                assertTrue(line.matcher(l).matches(), l);
            }
            assertTrue(sniff.stdout().contains("lo out "), "the outgoing copy is seen");
            assertTrue(sniff.stdout().contains("lo in  "), "the looped-back copy is seen");
        }
    }
}
