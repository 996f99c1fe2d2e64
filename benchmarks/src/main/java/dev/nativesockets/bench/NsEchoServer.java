package dev.nativesockets.bench;

/** {@code echo_loop} on this library's readiness loop (issue 16): not built yet on this branch. */
final class NsEchoServer {
    private NsEchoServer() {}

    static boolean available() {
        return false;
    }

    static IdleCost.Subject idleSubject() {
        throw new UnsupportedOperationException("the library's readiness loop is not on this branch yet");
    }

    static EchoLoop.Server create() {
        throw new UnsupportedOperationException("the library's readiness loop is not on this branch yet");
    }
}
