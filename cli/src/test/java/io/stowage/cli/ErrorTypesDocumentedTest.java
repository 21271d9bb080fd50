package io.stowage.cli;

import io.stowage.archiver.ArchiveException;
import io.stowage.des.DesException;
import io.stowage.des.ingest.DesIngestException;
import io.stowage.des.s3.S3DesReader;
import io.stowage.es.EsException;
import io.stowage.s3.S3IoException;
import io.stowage.sync.SyncException;
import io.stowage.transcode.TranscodeException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/cli.md lists every {@code error.type} value: the simple name of every public exception of the API packages of
 * the modules the CLI runs, and of the CLI's own. A renamed or new exception fails here until the docs say it.
 */
class ErrorTypesDocumentedTest {
    @Test
    void everyExceptionTheCliCanReportIsInDocsCliMd() throws Exception {
        String docs = Files.readString(docsCliMd());
        List<String> missing = new ArrayList<>();
        for (Class<?> anchor : List.of(CliException.class, DesException.class, S3DesReader.class,
                S3IoException.class, SyncException.class, EsException.class, TranscodeException.class,
                ArchiveException.class, io.stowage.transcode.jobs.TranscodeJobsException.class,
                DesIngestException.class, io.stowage.service.ServiceException.class)) {
            for (Class<?> c : exceptionsBeside(anchor)) {
                if (!docs.contains("`" + c.getSimpleName() + "`")) {
                    missing.add(c.getName());
                }
            }
        }
        assertThat(missing).as("exceptions missing from docs/cli.md's error.type lists").isEmpty();
    }

    private static Path docsCliMd() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/cli.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/cli.md above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir.resolve("docs/cli.md");
    }

    /** The Throwables in {@code root}'s package (not its internal one), public or (cli) package-private. */
    private static List<Class<?>> exceptionsBeside(Class<?> root) throws Exception {
        boolean cli = root == CliException.class;
        Path where = Path.of(root.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pkg = root.getPackageName().replace('.', '/');
        List<Class<?>> out = new ArrayList<>();
        FileSystem jar = Files.isDirectory(where) ? null
                : FileSystems.newFileSystem(URI.create("jar:" + where.toUri()), Map.of());
        try {
            Path dir = jar == null ? where.resolve(pkg) : jar.getPath(pkg);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String name = p.getFileName().toString();
                    if (!name.endsWith(".class") || name.contains("$")) {
                        continue;
                    }
                    Class<?> c = Class.forName(root.getPackageName() + "." + name.substring(0, name.length() - 6),
                            false, root.getClassLoader());
                    boolean visible = Modifier.isPublic(c.getModifiers()) || cli;
                    if (visible && Throwable.class.isAssignableFrom(c)) {
                        out.add(c);
                    }
                }
            }
        } finally {
            if (jar != null) {
                jar.close();
            }
        }
        assertThat(out).as("exceptions beside " + root).isNotEmpty();
        return out;
    }
}
