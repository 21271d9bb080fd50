package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.des.DesWriter;
import io.stowage.des.ExternalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/** Regression tests of issue 17 for the des commands, one per defect, named after it (in process). */
class DesHostileCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    static int indexOf(byte[] a, byte[] what, int from) {
        outer:
        for (int i = from; i + what.length <= a.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /**
     * Replaces the first {@code from} (ASCII) in INDEX, where names are, by the same number of bytes {@code to}, and
     * recomputes the footer's CRC-32C: a name our writer refuses, as an archive from elsewhere may hold.
     */
    static void patchIndex(Path archive, String from, byte[] to) throws Exception {
        byte[] a = Files.readAllBytes(archive);
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int footer = a.length - 72;
        if (from != null) {
            byte[] f = from.getBytes(StandardCharsets.US_ASCII);
            assertThat(to).hasSameSizeAs(f);
            System.arraycopy(to, 0, a, indexOf(a, f, (int) b.getLong(footer + 48)), to.length);
        }
        int metaStart = (int) b.getLong(footer + 32);
        CRC32C crc = new CRC32C();
        crc.update(a, metaStart, footer - metaStart);
        b.putInt(footer + 12, (int) crc.getValue());
        Files.write(archive, a);
    }

    static List<String> names(Path archive) throws Exception {
        CliRun ls = CliRun.of("des", "ls", archive.toString(), "--json");
        assertThat(ls.exitCode()).as(ls.err()).isZero();
        List<String> names = new ArrayList<>();
        JSON.readTree(ls.out()).forEach(e -> names.add(e.get("name").asText()));
        return names;
    }

    @Test
    void desPackDirDesDotPacksItsOwnTemporaryFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("day"));
        Files.writeString(dir.resolve("a.txt"), "alpha");
        Files.writeString(dir.resolve("b.txt"), "beta");
        Files.write(dir.resolve(".day.des.k1lled.tmp"), new byte[1234]);   // left by a killed run
        Path out = dir.resolve("day.des");
        CliRun pack = CliRun.of("des", "pack", out.toString(), dir.toString(), "--json");
        assertThat(pack.exitCode()).as(pack.err()).isZero();
        assertThat(names(out)).containsExactly("a.txt", "b.txt");
        // again over the existing archive, in the folder, through a path that is not the same text
        CliRun again = CliRun.of("des", "pack", out.toString(), dir.resolve("../day").toString(), "--force",
                "--json");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(JSON.readTree(again.out()).get("entries").asInt()).isEqualTo(2);
        assertThat(names(out)).containsExactly("a.txt", "b.txt");
        // named as an input itself
        CliRun self = CliRun.of("des", "pack", out.toString(), out.toString(), dir.resolve("a.txt").toString(),
                "--force", "--json");
        assertThat(self.exitCode()).as(self.err()).isZero();
        assertThat(names(out)).containsExactly("a.txt");
    }

    @Test
    void desUnpackStopsAtTheFirstEntryWhoseNameTheFileSystemRefuses() throws Exception {
        Path p = tmp.resolve("refused.des");
        String tooLong = "x".repeat(300) + ".txt";   // a valid entry name, but over the 255 bytes of a file name
        try (DesWriter w = DesWriter.builder(p).build()) {
            w.add("a.txt", "first".getBytes(StandardCharsets.UTF_8), null);
            w.add(tooLong, "long".getBytes(StandardCharsets.UTF_8), null);
            w.add("nulQhere", "nul".getBytes(StandardCharsets.UTF_8), null);
            w.add("z.txt", "last".getBytes(StandardCharsets.UTF_8), null);
            w.finish();
        }
        patchIndex(p, "nulQhere", "nul\0here".getBytes(StandardCharsets.US_ASCII));
        Path target = tmp.resolve("out");
        CliRun r = CliRun.of("des", "unpack", p.toString(), target.toString(), "--json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
        JsonNode rep = JSON.readTree(r.out());
        assertThat(rep.get("written").asInt()).isEqualTo(2);
        assertThat(rep.get("failed_count").asInt()).isEqualTo(2);
        assertThat(rep.get("failed").get(0).get("name").asText()).isEqualTo(tooLong);
        assertThat(rep.get("failed").get(0).get("reason").asText()).contains("cannot write it");
        assertThat(rep.get("failed").get(1).get("name").asText()).isEqualTo("nul\0here");
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("first");
        assertThat(Files.readString(target.resolve("z.txt"))).isEqualTo("last");
        try (var s = Files.list(target)) {
            assertThat(s.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("a.txt", "z.txt");
        }
    }

    @Test
    void terminalEscapeInjectionInDesLsUnpackAndVerify() throws Exception {
        Path p = tmp.resolve("escape.des");
        try (DesWriter w = DesWriter.builder(p).build()) {
            w.add("fine.txt", "ok".getBytes(StandardCharsets.UTF_8), null);
            w.add("QQ]0;retitledR", "x".getBytes(StandardCharsets.UTF_8), null);
            w.finish();
        }
        patchIndex(p, "QQ]0;retitledR", "\u001b\u001b]0;retitled\u0007".getBytes(StandardCharsets.US_ASCII));
        String evil = "\u001b\u001b]0;retitled\u0007";
        assertThat(names(p)).contains(evil);   // JSON carries the name exactly (escaped by JSON itself)
        CliRun ls = CliRun.of("des", "ls", p.toString());
        assertThat(ls.exitCode()).isZero();
        assertThat(ls.out()).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("\\u001b\\u001b]0;retitled\\u0007");
        CliRun unpack = CliRun.of("des", "unpack", p.toString(), tmp.resolve("t").toString());
        assertThat(unpack.exitCode()).isEqualTo(3);
        assertThat(unpack.out()).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("FAILED \\u001b\\u001b]0;retitled\\u0007: unsafe name");
        // damage the entry so verify names it
        byte[] a = Files.readAllBytes(p);
        a[16 + 2] ^= 1;   // its payload follows "ok"
        Files.write(p, a);
        CliRun verify = CliRun.of("des", "verify", p.toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).doesNotContain("\u001b").doesNotContain("\u0007").contains("PROBLEM entry '\\u001b");
    }

    @Test
    void anEscapingExternalKeyIsACorruptArchiveExit1AndUnpackGoesOn() throws Exception {
        Path p = tmp.resolve("ext.des");
        Path store = tmp.resolve("store");
        try (DesWriter w = DesWriter.builder(p).externalThreshold(100)
                .externalStore(ExternalStore.directory(store), "abcdef").build()) {
            w.add("a.txt", "inside".getBytes(StandardCharsets.UTF_8), null);
            w.add("big", new byte[1000], null);
            w.add("z.txt", "also inside".getBytes(StandardCharsets.UTF_8), null);
            w.finish();
        }
        byte[] a = Files.readAllBytes(p);
        int at = indexOf(a, "abcdef/_bigFiles".getBytes(StandardCharsets.UTF_8), 0);
        System.arraycopy("../../".getBytes(StandardCharsets.UTF_8), 0, a, at, 6);
        Files.write(p, a);
        patchIndex(p, null, null);   // only recomputes the footer checksum
        String root = store.toString();
        CliRun cat = CliRun.of("des", "cat", p.toString(), "big", "--external-root", root);
        assertThat(cat.exitCode()).as(cat.out() + cat.err()).isEqualTo(1);
        assertThat(cat.out() + cat.err()).contains("external key").doesNotContain("IllegalArgumentException");
        CliRun verify = CliRun.of("des", "verify", p.toString(), "--external-root", root, "--json");
        assertThat(verify.exitCode()).isEqualTo(1);
        JsonNode rep = JSON.readTree(verify.out());
        assertThat(rep.get("entries").asInt()).isEqualTo(3);
        assertThat(rep.get("problems")).hasSize(1);
        assertThat(rep.get("problems").get(0).get("entry").asText()).isEqualTo("big");
        assertThat(rep.get("problems").get(0).get("field").asText()).isEqualTo("index[1].meta.external_key");
        Path target = tmp.resolve("out");
        CliRun unpack = CliRun.of("des", "unpack", p.toString(), target.toString(), "--external-root", root,
                "--json");
        assertThat(unpack.exitCode()).isEqualTo(3);
        JsonNode u = JSON.readTree(unpack.out());
        assertThat(u.get("written").asInt()).isEqualTo(2);
        assertThat(u.get("failed").get(0).get("name").asText()).isEqualTo("big");
        assertThat(Files.readString(target.resolve("z.txt"))).isEqualTo("also inside");
        assertThat(tmp.resolve("_bigFiles")).doesNotExist();
    }

    @Test
    void aMissingLocalArchiveExitsOneLikeAMissingS3Archive() throws Exception {
        for (String cmd : new String[] {"ls", "verify"}) {
            CliRun r = CliRun.of("des", cmd, tmp.resolve("none.des").toString(), "--json");
            assertThat(r.exitCode()).as(cmd).isEqualTo(1);
            assertThat(r.out() + r.err()).as(cmd).contains("no such archive");
        }
        CliRun cat = CliRun.of("des", "cat", tmp.resolve("none.des").toString(), "x");
        assertThat(cat.exitCode()).isEqualTo(1);
        CliRun unpack = CliRun.of("des", "unpack", tmp.resolve("none.des").toString(), tmp.resolve("t").toString());
        assertThat(unpack.exitCode()).isEqualTo(1);
    }
}
