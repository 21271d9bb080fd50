/** DES v1 small-files container: reader and writer over local files and byte channels. JDK only. */
module io.stowage.des {
    exports io.stowage.des;
}
