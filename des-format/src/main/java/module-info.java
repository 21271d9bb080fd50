/** DES v1 small-files container: reader and writer over local files and byte channels. JDK only. */
module io.stowage.des {
    requires jdk.unsupported; // com.sun.nio.file.ExtendedOpenOption.DIRECT for the archive file (FileSink)
    exports io.stowage.des;
}
