package dev.nativesockets.libc;

import java.util.Locale;

/**
 * The operating system and architecture whose libc this process talks to.
 *
 * <p>Constant values and struct layouts differ between Linux and Darwin (and a few layouts
 * between Linux architectures), so the raw layer picks one {@link PlatformTable} once, here,
 * and every other class reads from it.
 */
public enum Platform {
    LINUX_X86_64(Os.LINUX, Arch.X86_64),
    LINUX_AARCH64(Os.LINUX, Arch.AARCH64),
    DARWIN_X86_64(Os.DARWIN, Arch.X86_64),
    DARWIN_AARCH64(Os.DARWIN, Arch.AARCH64);

    /** Operating-system family. */
    public enum Os { LINUX, DARWIN }

    /** CPU architecture. */
    public enum Arch { X86_64, AARCH64 }

    private final Os os;
    private final Arch arch;
    private volatile PlatformTable table;

    Platform(Os os, Arch arch) {
        this.os = os;
        this.arch = arch;
    }

    public Os os() { return os; }

    public Arch arch() { return arch; }

    public boolean isLinux() { return os == Os.LINUX; }

    public boolean isDarwin() { return os == Os.DARWIN; }

    /** The constants, errno numbers and struct layouts of this platform's headers. */
    public PlatformTable table() {
        PlatformTable t = table;
        if (t == null) {
            synchronized (this) {
                t = table;
                if (t == null) {
                    t = os == Os.LINUX ? LinuxTable.create(arch) : DarwinTable.create(arch);
                    table = t;
                }
            }
        }
        return t;
    }

    private static final Platform CURRENT = detect();

    /** The platform this JVM runs on. */
    public static Platform current() {
        return CURRENT;
    }

    private static Platform detect() {
        String osName = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String archName = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        Arch arch = switch (archName) {
            case "amd64", "x86_64" -> Arch.X86_64;
            case "aarch64", "arm64" -> Arch.AARCH64;
            default -> throw new UnsupportedOperationException("NativeSockets does not support architecture " + archName);
        };
        if (osName.contains("linux")) {
            return arch == Arch.X86_64 ? LINUX_X86_64 : LINUX_AARCH64;
        }
        if (osName.contains("mac") || osName.contains("darwin")) {
            return arch == Arch.X86_64 ? DARWIN_X86_64 : DARWIN_AARCH64;
        }
        throw new UnsupportedOperationException("NativeSockets does not support operating system " + osName);
    }
}
