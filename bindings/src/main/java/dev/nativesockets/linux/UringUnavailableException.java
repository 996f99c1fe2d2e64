package dev.nativesockets.linux;

/**
 * io_uring cannot be used here, and why: the kernel lacks it ({@code ENOSYS}), it is switched off
 * ({@code kernel.io_uring_disabled}: {@code EPERM}), a seccomp profile refuses
 * {@code io_uring_setup} ({@code EPERM}/{@code ENOSYS}), the memory lock limit is too low
 * ({@code ENOMEM}), or the kernel lacks a feature this library needs (errno 0 then).
 */
public final class UringUnavailableException extends UringException {
    private static final long serialVersionUID = 1L;

    UringUnavailableException(String operation, int errno, String why) {
        super(operation, errno, why);
    }
}
