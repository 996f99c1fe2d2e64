package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nativesockets.libc.Field;
import dev.nativesockets.libc.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * {@code struct sockaddr_vm} on both systems. Darwin's layout and constants are checked everywhere
 * against xnu's {@code <sys/vsock.h>} as transcribed (the probe checks them against the real header
 * on a Mac); the encoding is checked on the running platform, byte by byte.
 */
class VsockLayoutTest {

    @Test
    void darwinSockaddrVmIs12PackedBytesAsXnuDeclaresIt() {
        for (Platform p : new Platform[] {Platform.DARWIN_X86_64, Platform.DARWIN_AARCH64}) {
            GroupLayout vm = p.table().struct("sockaddr_vm");
            assertEquals(12, vm.byteSize(), p + ": {uint8_t svm_len; sa_family_t svm_family; uint16_t svm_reserved1; uint32_t svm_port; uint32_t svm_cid;} packed");
            assertEquals(1, vm.byteAlignment(), p + ": __attribute__((__packed__))");
            assertEquals(new Field(0, 1), Field.of(vm, "svm_len"));
            assertEquals(new Field(1, 1), Field.of(vm, "svm_family"), "sa_family_t is one byte on Darwin");
            assertEquals(new Field(2, 2), Field.of(vm, "svm_reserved1"));
            assertEquals(new Field(4, 4), Field.of(vm, "svm_port"));
            assertEquals(new Field(8, 4), Field.of(vm, "svm_cid"));
            assertFalse(Field.of(vm, "svm_flags").present(), p + ": svm_flags is Linux's");
            var t = p.table();
            assertEquals(40, t.constant("AF_VSOCK"));
            assertEquals(0xffffffffL, t.constant("VMADDR_CID_ANY"));
            assertEquals(0xffffffffL, t.constant("VMADDR_PORT_ANY"));
            assertEquals(0, t.constant("VMADDR_CID_HYPERVISOR"));
            assertEquals(1, t.constant("VMADDR_CID_RESERVED"));
            assertEquals(2, t.constant("VMADDR_CID_HOST"));
            assertFalse(t.has("VMADDR_CID_LOCAL"), p + ": xnu names CID 1 VMADDR_CID_RESERVED");
        }
    }

    @Test
    void linuxSockaddrVmHasNoLengthByte() {
        for (Platform p : new Platform[] {Platform.LINUX_X86_64, Platform.LINUX_AARCH64}) {
            GroupLayout vm = p.table().struct("sockaddr_vm");
            assertEquals(16, vm.byteSize(), p.toString());
            assertFalse(Field.of(vm, "svm_len").present(), p + ": no BSD length byte");
            assertEquals(new Field(0, 2), Field.of(vm, "svm_family"));
            assertEquals(new Field(4, 4), Field.of(vm, "svm_port"));
            assertEquals(new Field(8, 4), Field.of(vm, "svm_cid"));
        }
    }

    @Test
    void encodingWritesThisPlatformsBytesAndDecodesBack() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(Scratch.ADDR_SIZE);
            dst.fill((byte) 0x5a); // encoding must clear whatever the buffer held
            VsockAddress a = VsockAddress.of(0x01020304, 0xfffffffe);
            int len = Addresses.encode(a, dst, -1);
            byte[] b = dst.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
            boolean darwin = Platform.current().isDarwin();
            assertEquals(darwin ? 12 : 16, len);
            if (darwin) {
                assertEquals(12, b[0], "svm_len");
                assertEquals(40, b[1], "svm_family");
            } else {
                assertEquals(40, dst.get(ValueLayout.JAVA_SHORT, 0), "svm_family");
                for (int i = 12; i < 16; i++) {
                    assertEquals(0, b[i], "svm_flags/svm_zero byte " + i);
                }
            }
            assertEquals(0, dst.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2), "svm_reserved1");
            assertEquals(0xfffffffe, dst.get(ValueLayout.JAVA_INT_UNALIGNED, 4), "svm_port, host order");
            assertEquals(0x01020304, dst.get(ValueLayout.JAVA_INT_UNALIGNED, 8), "svm_cid, host order");
            assertEquals(a, Addresses.decode(dst, len, false));
        }
    }
}
