package io.stowage.s3.internal;

import io.stowage.s3.S3EmbeddedServerException;
import io.stowage.s3.S3EmbeddedServerException.Stage;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The only class that touches S3Proxy, so that the rest of s3-io loads without it (it is an optional dependency).
 * S3Proxy's jar cannot be a Java module (its shaded Jetty service file names an unshaded class), so it is reached
 * reflectively from the class path; the handful of calls below are its whole API surface here.
 *
 * <p>Thread-safe after {@link #start}.
 */
public final class S3ProxyServer {
    private static final long START_TIMEOUT_MS = 30_000;
    private final Object proxy;
    private final Object store;
    private final Path directory;

    private S3ProxyServer(Object proxy, Object store, Path directory) {
        this.proxy = proxy;
        this.store = store;
        this.directory = directory;
    }

    public static S3ProxyServer start(Path directory, String host, int port, String accessKey, String secretKey) {
        ClassLoader cl = S3ProxyServer.class.getClassLoader();
        Class<?> proxyClass;
        Class<?> storeClass;
        Class<?> blobStoreIface;
        Class<?> authType;
        try {
            proxyClass = Class.forName("org.gaul.s3proxy.S3Proxy", true, cl);
            storeClass = Class.forName("org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore", true, cl);
            blobStoreIface = Class.forName("org.gaul.s3proxy.blobstore.BlobStore", true, cl);
            authType = Class.forName("org.gaul.s3proxy.auth.AuthenticationType", true, cl);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new S3EmbeddedServerException(Stage.CLASS_PATH, directory, null, null, "EmbeddedS3 needs S3Proxy on the class path (" + e + "); add the "
                    + "dependency org.gaul:s3proxy (version managed by the stowage-bom), or use stowage-testing", e);
        }
        Object store;
        Object proxy;
        try {
            store = storeClass.getConstructor(String.class).newInstance(directory.toString());
            Object b = proxyClass.getMethod("builder").invoke(null);
            Class<?> bc = b.getClass();
            bc.getMethod("blobStore", blobStoreIface).invoke(b, store);
            bc.getMethod("endpoint", URI.class).invoke(b,
                    URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port));
            bc.getMethod("ignoreUnknownHeaders", boolean.class).invoke(b, true);
            Method auth = bc.getMethod("awsAuthentication", authType, String.class, String.class);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object type = Enum.valueOf((Class) authType, accessKey != null ? "AWS_V2_OR_V4" : "NONE");
            auth.invoke(b, type, accessKey, secretKey);
            proxy = bc.getMethod("build").invoke(b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new S3EmbeddedServerException(Stage.CONFIGURE, directory, null, null, "cannot configure S3Proxy over " + directory + ": " + cause(e)
                    + "; check that org.gaul:s3proxy is version 4.1.x (the stowage-bom's)", cause(e));
        }
        try {
            proxyClass.getMethod("start").invoke(proxy);
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            Method state = proxyClass.getMethod("getState");
            while (!"STARTED".equals(state.invoke(proxy))) {
                Object s = state.invoke(proxy);
                if ("FAILED".equals(s) || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("S3Proxy state " + s);
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            try {
                proxyClass.getMethod("stop").invoke(proxy);
            } catch (Exception ignored) {
                // already failed
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable c = cause(e);
            throw new S3EmbeddedServerException(Stage.LISTEN, directory, host + ":" + port, null, "EmbeddedS3 could not listen on " + host + ":" + port + ": " + c
                    + (port != 0 ? "; the port may be taken, choose another or 0 for a free one" : ""), c);
        }
        return new S3ProxyServer(proxy, store, directory);
    }

    private static Throwable cause(Throwable e) {
        return e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
    }

    public int port() {
        try {
            return (Integer) proxy.getClass().getMethod("getPort").invoke(proxy);
        } catch (ReflectiveOperationException e) {
            throw new S3EmbeddedServerException(Stage.LISTEN, directory, null, null, "cannot read S3Proxy's port: " + cause(e), cause(e));
        }
    }

    public void createBucket(String name) {
        if (Files.isDirectory(directory.resolve(name))) {
            return;
        }
        try {
            store.getClass().getMethod("createContainer", String.class).invoke(store, name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (Files.isDirectory(directory.resolve(name))) {
                return;   // created concurrently
            }
            try {
                Files.createDirectories(directory.resolve(name));
            } catch (IOException io) {
                throw new S3EmbeddedServerException(Stage.CREATE_BUCKET, directory, null, name, "cannot create bucket '" + name + "' in " + directory + ": "
                        + cause(e) + "; " + io, io);
            }
        }
    }

    public void stop() {
        try {
            proxy.getClass().getMethod("stop").invoke(proxy);
        } catch (ReflectiveOperationException e) {
            throw new S3EmbeddedServerException(Stage.STOP, directory, null, null, "EmbeddedS3 did not stop cleanly: " + cause(e), cause(e));
        } finally {
            try {
                store.getClass().getMethod("close").invoke(store);
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // closing the store is best effort
            }
        }
    }
}
