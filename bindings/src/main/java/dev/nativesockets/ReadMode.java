package dev.nativesockets;

/** How {@link Socket#read(int, ReadMode)} reads, as PHP's {@code socket_read} type argument. */
public enum ReadMode {
    /** {@code PHP_BINARY_READ}: one {@code recv(2)} of up to the given length. */
    BINARY,
    /** {@code PHP_NORMAL_READ}: stop after a {@code \n} or {@code \r} (included) or at the length. */
    NORMAL
}
