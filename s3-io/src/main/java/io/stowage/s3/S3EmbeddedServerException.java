package io.stowage.s3;

import java.nio.file.Path;

/**
 * {@link EmbeddedS3} could not start, stop or make a bucket: S3Proxy missing from the class path, the folder not
 * usable, the port taken. The message says which and what to do; the accessors give the facts.
 *
 * <p>{@code catch (S3EmbeddedServerException e) { if (e.stage() == Stage.LISTEN) retryOn(0); }}; immutable, so
 * thread-safe.
 */
public final class S3EmbeddedServerException extends S3IoException {
    private static final long serialVersionUID = 1L;

    /** What the server was doing when it failed. */
    public enum Stage {
        /** Loading S3Proxy: not on the class path. */
        CLASS_PATH,
        /** Creating or checking its folder. */
        FOLDER,
        /** Configuring S3Proxy over its folder. */
        CONFIGURE,
        /** Starting to listen on its address. */
        LISTEN,
        /** Creating a bucket. */
        CREATE_BUCKET,
        /** Stopping. */
        STOP
    }

    private final Stage stage;
    private final Path folder;
    private final String address;
    private final String bucket;

    /**
     * @param folder  the server's folder, or {@code null} if not known yet
     * @param address {@code host:port} it was to listen on, or {@code null}
     * @param bucket  the bucket being created, or {@code null}
     */
    public S3EmbeddedServerException(Stage stage, Path folder, String address, String bucket, String message,
                                     Throwable cause) {
        super(message, cause);
        this.stage = stage;
        this.folder = folder;
        this.address = address;
        this.bucket = bucket;
    }

    /** What failed. */
    public Stage stage() {
        return stage;
    }

    /** The server's folder, or {@code null}. */
    public Path folder() {
        return folder;
    }

    /** The {@code host:port} it was to listen on, or {@code null}. */
    public String address() {
        return address;
    }

    /** The bucket being created, or {@code null}. */
    public String bucket() {
        return bucket;
    }
}
