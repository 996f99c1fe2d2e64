package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/** Which direction {@code shutdown(2)} ends. */
public enum How {
    /** {@code SHUT_RD}. */
    READ(Constants.SHUT_RD),
    /** {@code SHUT_WR}: sends FIN on TCP; the peer reads end-of-stream. */
    WRITE(Constants.SHUT_WR),
    /** {@code SHUT_RDWR}. */
    BOTH(Constants.SHUT_RDWR);

    final int value;

    How(int value) {
        this.value = value;
    }
}
