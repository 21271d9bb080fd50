package io.stowage.service.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.stowage.service.JwtAlgorithm;
import io.stowage.service.ServiceConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Set;
import java.util.UUID;

/**
 * The JWT key file: one JWK as JSON. Loaded when present; otherwise generated (256-bit secret or 2048-bit RSA),
 * written with mode 0600 to a temporary name in the same folder, fsynced and linked to the real name (never replacing one), so two
 * processes starting at once end up with the same key. Stateless, so thread-safe.
 */
public final class KeyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {
    }

    /** The key in {@code file}, generated first when the file does not exist. */
    public static JWK loadOrCreate(Path file, JwtAlgorithm algorithm) {
        if (!Files.exists(file)) {
            create(file, algorithm);
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            try {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(p)) {
                    LOG.warn("JWT key file {} is readable by others ({}); chmod 600 it", file,
                            PosixFilePermissions.toString(p));
                }
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            return JWK.parse(text.trim());
        } catch (IOException e) {
            throw new ServiceConfigException("--jwt-key " + file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (ParseException e) {
            throw new ServiceConfigException("--jwt-key " + file + ": not a JWK JSON document (" + e.getMessage()
                    + "); remove it to have a new key generated, or give the right file", e);
        }
    }

    private static void create(Path file, JwtAlgorithm algorithm) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            JWK key = algorithm == JwtAlgorithm.HS256
                    ? new OctetSequenceKeyGenerator(256).keyID(UUID.randomUUID().toString()).generate()
                    : new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                ByteBuffer b = ByteBuffer.wrap((key.toJSONString() + "\n").getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp); // atomic and never replaces: a concurrent creator's key wins
            } catch (FileAlreadyExistsException e) {
                LOG.debug("{} appeared meanwhile; using it", file);
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            LOG.info("generated a {} JWT key in {} (mode 0600); later starts and `stowage token create` reuse it",
                    algorithm, file);
        } catch (IOException e) {
            throw new ServiceConfigException("--jwt-key " + file + ": cannot create (" + e.getMessage()
                    + "); give a writable folder or an existing key file", e);
        } catch (JOSEException e) {
            throw new IllegalStateException("key generation failed: " + e.getMessage(), e);
        }
    }
}
