package dev.nativesockets.linux;

import dev.nativesockets.Errno;
import dev.nativesockets.ErrnoDetails;
import dev.nativesockets.ErrnoException;
import java.io.IOException;

/** A failed io_uring system call ({@code io_uring_enter}, {@code io_uring_register}, {@code mmap}), as data. */
public class UringException extends IOException implements ErrnoException {
    private static final long serialVersionUID = 1L;
    private final transient ErrnoDetails details;

    UringException(String operation, int errno) {
        this(operation, errno, null);
    }

    UringException(String operation, int errno, String why) {
        super(operation + ": " + Errno.name(errno) + " (" + errno + "): " + Errno.strerror(errno)
                + (why == null ? "" : " — " + why));
        this.details = new ErrnoDetails(operation, errno, Errno.name(errno), Errno.strerror(errno));
    }

    @Override
    public ErrnoDetails details() {
        return details;
    }
}
