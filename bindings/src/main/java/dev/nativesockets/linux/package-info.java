/**
 * Linux-only API, beside the portable core in {@link dev.nativesockets} (the JDK's {@code jdk.net}
 * is the model for platform extensions): netlink ({@link dev.nativesockets.linux.Netlink},
 * {@code socket(AF_NETLINK)} with {@code RTM_GET*} dumps), packet sockets
 * ({@link dev.nativesockets.linux.Packet}, {@code socket(AF_PACKET)} and {@code packet_mreq}) with
 * their addresses, interface flags and hardware types, and {@code MSG_ZEROCOPY} sends with their
 * completion notifications ({@link dev.nativesockets.linux.ZeroCopy}), and the io_uring completion
 * ring ({@link dev.nativesockets.linux.Uring}, {@code io_uring_setup(2)}, {@code io_uring_enter(2)},
 * {@code io_uring_register(2)}).
 *
 * <p>Sockets are the core's {@link dev.nativesockets.Socket}: this package adds the calls and types
 * only Linux has. Elsewhere each call fails before any native call with a clear exception
 * ({@link UnsupportedOperationException} or the kernel's {@code EAFNOSUPPORT}).
 *
 * <p>Where a class here needs something the core keeps package-private (an error's exception type,
 * a descriptor's users in flight), it goes through the non-exported {@code dev.nativesockets.internal}
 * bridge, never through public API.
 */
package dev.nativesockets.linux;
