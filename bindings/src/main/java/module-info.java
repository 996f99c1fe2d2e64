/**
 * NativeSockets: the POSIX socket API (socket(2), bind(2), sendmsg(2), getsockopt(2), poll(2),
 * getaddrinfo(3), …) over libc through the Foreign Function and Memory API.
 *
 * <p>{@link dev.nativesockets} is the safe layer and the API this project keeps stable.
 * {@link dev.nativesockets.libc} is the raw layer (one downcall per libc function, struct layouts,
 * per-platform constants), exported for code that needs a call or constant the safe layer does not
 * wrap; it follows the C headers and may change in any minor release (see its package
 * documentation). {@link dev.nativesockets.linux} holds Linux-only API (netlink, packet
 * sockets, {@code MSG_ZEROCOPY}, the io_uring ring). {@code dev.nativesockets.internal} is not
 * exported: it lets the Linux package use the core's internals without making them API, and holds
 * the library's own downcall variants that are not 1:1 with C.
 *
 * <p>The module calls restricted methods ({@code Linker.downcallHandle}): grant it native access
 * with {@code --enable-native-access=dev.nativesockets} on the module path
 * ({@code ALL-UNNAMED} on the class path). Where native access is denied, the first call throws
 * {@link IllegalCallerException} naming that flag.
 */
module dev.nativesockets {
    exports dev.nativesockets;
    exports dev.nativesockets.libc;
    exports dev.nativesockets.linux;
}
