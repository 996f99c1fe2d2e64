package dev.nativesockets;

import java.lang.foreign.Arena;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The child process of {@link FdPassingTest#aDescriptorCrossesIntoAnotherProcess}: connects to the
 * Unix socket named by its argument, receives one descriptor with {@code SCM_RIGHTS}, and writes a
 * greeting with its pid into it. Exit status 0 on success.
 */
public final class FdPassingChild {
    private FdPassingChild() {}

    public static void main(String[] args) throws Exception {
        try (Socket control = Socket.open(Domain.UNIX, Type.STREAM)) {
            control.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(30));
            control.connect(UnixDomainSocketAddress.of(args[0]));
            Message m = Message.allocate(16, ControlMessage.space(4));
            long n = control.recvMsg(m);
            if (n <= 0 || m.receivedDescriptors().size() != 1) {
                System.err.println("child: expected one descriptor, got " + m.received() + " with " + n + " bytes");
                System.exit(2);
            }
            try (Socket passed = m.receivedDescriptors().get(0).toSocket(); Arena arena = Arena.ofConfined()) {
                String hello = "hello from " + ProcessHandle.current().pid() + " via " + new String(m.toByteArray(), StandardCharsets.US_ASCII);
                passed.sendAll(hello.getBytes(StandardCharsets.US_ASCII));
            }
        }
        System.exit(0);
    }
}
