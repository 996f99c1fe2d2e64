package dev.nativesockets;

/**
 * The identity of the process at the other end of a Unix socket: {@code SO_PEERCRED} on Linux
 * ({@code struct ucred}), {@code LOCAL_PEERCRED} on Darwin ({@code struct xucred}, which carries
 * no pid: {@code pid} is then -1), and the payload of {@code SCM_CREDENTIALS}.
 */
public record Credentials(int pid, int uid, int gid) {}
