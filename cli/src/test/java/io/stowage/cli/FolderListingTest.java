package io.stowage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Folder listings from getdents64 (d_type) agree with the JDK's listing plus an lstat per entry. */
class FolderListingTest {
    @TempDir
    Path tmp;

    private static Map<String, FolderListing.Kind> kinds(List<FolderListing.Entry> entries) {
        Map<String, FolderListing.Kind> m = new HashMap<>();
        for (FolderListing.Entry e : entries) {
            assertThat(m.put(e.name(), e.kind())).as("listed twice: " + e.name()).isNull();
        }
        return m;
    }

    @Test
    void nativeListingGivesTheSameEntriesAndKindsAsTheJdk() throws Exception {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").equals("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")),
                "getdents64 is used on Linux x86-64 and aarch64 only");
        assertThat(FolderListing.nativeAvailable()).as("getdents64 through JNA on this Linux").isTrue();
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String n : new String[] {"a.txt", "zdjęcie 1.jpg", "name with spaces", "#%+&", "ünïcode-ß", ".hidden"}) {
            Files.writeString(in.resolve(n), n);
        }
        Files.createDirectories(in.resolve("sub"));
        Files.createSymbolicLink(in.resolve("link"), in.resolve("a.txt"));
        Files.createSymbolicLink(in.resolve("dirlink"), in.resolve("sub"));
        assertThat(new ProcessBuilder("mkfifo", in.resolve("fifo").toString()).start().waitFor()).isZero();
        // enough long names that the listing takes several getdents64 calls (256 KiB each)
        String pad = "x".repeat(150);
        for (int i = 0; i < 2500; i++) {
            Files.createFile(in.resolve(pad + i));
        }

        Map<String, FolderListing.Kind> fast = kinds(new FolderListing(true).list(in));
        Map<String, FolderListing.Kind> jdk = kinds(new FolderListing(false).list(in));
        assertThat(fast).isEqualTo(jdk).hasSize(6 + 4 + 2500);
        assertThat(fast).containsEntry("a.txt", FolderListing.Kind.FILE)
                .containsEntry("zdjęcie 1.jpg", FolderListing.Kind.FILE)
                .containsEntry("sub", FolderListing.Kind.FOLDER)
                .containsEntry("link", FolderListing.Kind.OTHER)
                .containsEntry("dirlink", FolderListing.Kind.OTHER)
                .containsEntry("fifo", FolderListing.Kind.OTHER)
                .containsEntry(pad + 2499, FolderListing.Kind.FILE)
                .doesNotContainKeys(".", "..");
    }

    @Test
    void packInputsWalkTheSameWayWithEitherListing() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("tree"));
        for (int d = 0; d < 5; d++) {
            Path sub = Files.createDirectories(in.resolve("d" + d).resolve("inner"));
            for (int i = 0; i < 300; i++) {
                Files.writeString(sub.getParent().resolve("f" + d + "_" + i), "x");
                Files.writeString(sub.resolve("g" + d + "_" + i), "y");
            }
        }
        Files.createSymbolicLink(in.resolve("link"), in.resolve("d0"));
        Path single = Files.writeString(tmp.resolve("single.txt"), "s");
        List<String> fast = walk(List.of(single, in), true);
        List<String> jdk = walk(List.of(single, in), false);
        assertThat(fast).isEqualTo(jdk).hasSize(1 + 5 * 600);
        assertThat(fast.get(0)).isEqualTo("single.txt=" + single);
        assertThat(fast.get(1)).isEqualTo("f0_0=" + in.resolve("d0/f0_0")); // files and folders in name order
    }

    private static List<String> walk(List<Path> inputs, boolean nativeListing) {
        List<String> out = new ArrayList<>();
        long[] total = {-1};
        try (PackInputs p = new PackInputs(inputs, null, n -> total[0] = n, nativeListing)) {
            while (p.hasNext()) {
                Map.Entry<String, Path> e = p.next();
                out.add(e.getKey() + "=" + e.getValue());
            }
        }
        assertThat(total[0]).isEqualTo(out.size());
        return out;
    }
}
