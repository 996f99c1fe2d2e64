package dev.nativesockets.libc;

/** Darwin (macOS) values; placeholder until the table from xnu's headers lands. */
final class DarwinTable {
    private DarwinTable() {}

    static PlatformTable create(Platform.Arch arch) {
        throw new UnsupportedOperationException("Darwin tables not yet written");
    }
}
