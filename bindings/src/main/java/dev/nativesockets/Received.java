package dev.nativesockets;

import java.net.SocketAddress;

/**
 * What {@code recvfrom(2)} returned: the byte count (or {@link Socket#WOULD_BLOCK}) and the source.
 *
 * @param length bytes received; with {@link MsgFlags#TRUNC} the datagram's real length
 * @param source the sender: {@code UnixDomainSocketAddress.of("")} for an unnamed Unix datagram
 *               sender; {@code null} when nothing was received, or for connected streams that do not report it
 */
public record Received(int length, SocketAddress source) {}
