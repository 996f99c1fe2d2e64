package dev.nativesockets.linux;

import dev.nativesockets.Socket;
import java.io.IOException;

final class UringTestSupportRead {
    private UringTestSupportRead() {}

    static byte[] readN(Socket s, int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            byte[] part = s.read(n - got);
            if (part.length == 0) {
                throw new IOException("end of stream after " + got + " bytes");
            }
            System.arraycopy(part, 0, out, got, part.length);
            got += part.length;
        }
        return out;
    }
}
