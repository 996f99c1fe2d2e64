package dev.nativesockets.demo.server;

import dev.nativesockets.demo.Console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ConsoleTest {
    @Test
    void ipv6AddressesAreShortened() throws Exception {
        assertEquals("::1", Console.compress("0:0:0:0:0:0:0:1"));
        assertEquals("::", Console.compress("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::1%lo", Console.compress("fe80:0:0:0:0:0:0:1%lo"));
        assertEquals("2001:db8::1:0:0:1", Console.compress("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", Console.compress("2001:db8:0:1:1:1:1:1"));
        assertEquals("1::", Console.compress("1:0:0:0:0:0:0:0"));
        assertEquals("[::1]:1935", Console.format(new InetSocketAddress(InetAddress.getByName("::1"), 1935)));
        assertEquals("127.0.0.1:1935", Console.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1935)));
    }
}
