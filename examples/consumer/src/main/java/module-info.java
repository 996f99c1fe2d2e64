/** The example program as a named module: on the module path it proves module dev.nativesockets resolves and links. */
module com.example.consumer {
    requires dev.nativesockets;
}
