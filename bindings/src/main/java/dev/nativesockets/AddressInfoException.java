package dev.nativesockets;

import dev.nativesockets.libc.Platform;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * {@code getaddrinfo(3)} or {@code getnameinfo(3)} failed with an {@code EAI_*} code. An
 * {@link UnknownHostException}, as the JDK's resolver throws, and an {@link ErrnoException} whose
 * {@link #errnoName()} is the {@code EAI_*} symbol ({@code EAI_NONAME}, {@code EAI_SERVICE}, …),
 * {@link #errno()} the platform's code for it (negative on glibc, positive on Darwin) and
 * {@link #strerror()} the text of {@code gai_strerror(3)}. For {@code EAI_SYSTEM} the underlying
 * errno is {@link #systemErrno()}.
 */
public final class AddressInfoException extends UnknownHostException implements ErrnoException {
    private final String operation;
    private final int code;
    private final String name;
    private final String text;
    private final int systemErrno;

    AddressInfoException(String operation, int code, String text, int systemErrno) {
        super(operation + ": " + nameOf(code) + " (" + code + "): " + text
                + (systemErrno != 0 ? " [" + Errno.name(systemErrno) + "]" : ""));
        this.operation = operation;
        this.code = code;
        this.name = nameOf(code);
        this.text = text;
        this.systemErrno = systemErrno;
    }

    /** The {@code EAI_*} symbol for {@code code} on this platform, or {@code EAI_<code>}. */
    static String nameOf(int code) {
        String found = null;
        for (Map.Entry<String, Long> e : Platform.current().table().constants().entrySet()) {
            if (e.getKey().startsWith("EAI_") && e.getValue() == code) {
                found = e.getKey();
                break;
            }
        }
        return found != null ? found : "EAI_" + code;
    }

    @Override public String operation() { return operation; }

    /** The {@code EAI_*} code as the platform numbers it. */
    @Override public int errno() { return code; }

    /** The {@code EAI_*} symbol. */
    @Override public String errnoName() { return name; }

    /** {@code gai_strerror(code)}. */
    @Override public String strerror() { return text; }

    /** For {@code EAI_SYSTEM}, the errno the resolver left; 0 otherwise. */
    public int systemErrno() { return systemErrno; }
}
