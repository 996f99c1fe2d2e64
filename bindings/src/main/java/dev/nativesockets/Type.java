package dev.nativesockets;

import dev.nativesockets.libc.Constants;

/** The communication semantics of a socket: the {@code type} argument of {@code socket(2)}. */
public enum Type {
    /** {@code SOCK_STREAM}: TCP, or a Unix byte stream. */
    STREAM(Constants.SOCK_STREAM),
    /** {@code SOCK_DGRAM}: UDP, or Unix datagrams. */
    DGRAM(Constants.SOCK_DGRAM),
    /** {@code SOCK_SEQPACKET}: ordered, reliable, record-preserving (Unix, SCTP). */
    SEQPACKET(Constants.SOCK_SEQPACKET),
    /** {@code SOCK_RAW}: raw protocol access; usually needs privileges. */
    RAW(Constants.SOCK_RAW);

    private final int value;

    Type(int value) {
        this.value = value;
    }

    /** The platform's {@code SOCK_*} value. */
    public int value() {
        return value;
    }

    /** The type for a {@code SOCK_*} value, or {@code null}. */
    public static Type of(int type) {
        for (Type t : values()) {
            if (t.value == type) {
                return t;
            }
        }
        return null;
    }
}
