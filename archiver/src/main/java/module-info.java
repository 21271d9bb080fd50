/**
 * Camera archive: finds camera recordings by the date in their names, transcodes them with a verified output, moves
 * the sources to a trash, cleans up by age and size, and never loses a source.
 *
 * <p>Entry point: {@link io.stowage.archiver.CameraArchiver}.
 */
module io.stowage.archiver {
    requires transitive io.stowage.transcode;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.stowage.archiver;
    opens io.stowage.archiver to com.fasterxml.jackson.databind;
}
