package dev.nativesockets.libc;

import java.lang.foreign.GroupLayout;

/** {@code struct epoll_event}: epoll_ctl/epoll_wait entry (Linux only); packed on x86_64. */
public final class EpollEvent {
    private EpollEvent() {}

    /** The layout on the running platform, or {@code null} where the platform has no such struct. */
    public static final GroupLayout LAYOUT = Platform.current().table().struct("epoll_event");
    /** {@code sizeof(struct epoll_event)}, or 0 where absent. */
    public static final long SIZE = LAYOUT == null ? 0 : LAYOUT.byteSize();

    public static final Field EVENTS = Field.of(LAYOUT, "events");
    public static final Field DATA = Field.of(LAYOUT, "data");
}
