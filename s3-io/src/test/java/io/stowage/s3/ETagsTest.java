package io.stowage.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class ETagsTest {
    private static final String MD5 = "9e107d9d372bb6826bd81d3542a419d6";

    @Test
    void unquoteStripsQuotesAndBlanks() {
        assertThat(ETags.unquote("\"" + MD5 + "\"")).isEqualTo(MD5);
        assertThat(ETags.unquote(" \"" + MD5 + "-3\" ")).isEqualTo(MD5 + "-3");
        assertThat(ETags.unquote(MD5)).isEqualTo(MD5);
        assertThat(ETags.unquote("\"")).isEqualTo("\"");
        assertThat(ETags.unquote(null)).isNull();
    }

    @Test
    void plainAndMultipartShapes() {
        assertThat(ETags.isPlainMd5(MD5)).isTrue();
        assertThat(ETags.isPlainMd5(MD5.toUpperCase())).isTrue();
        assertThat(ETags.isPlainMd5(MD5 + "-2")).isFalse();
        assertThat(ETags.isPlainMd5("x" + MD5.substring(1))).isFalse();
        assertThat(ETags.isPlainMd5(null)).isFalse();
        assertThat(ETags.isMultipart(MD5 + "-12")).isTrue();
        assertThat(ETags.partCount(MD5 + "-12")).isEqualTo(12);
        assertThat(ETags.partCount(MD5)).isZero();
        assertThat(ETags.partCount(MD5 + "-")).isZero();
        assertThat(ETags.partCount(MD5 + "-x")).isZero();
        assertThat(ETags.partCount("z" + MD5.substring(1) + "-2")).isZero();
        assertThat(ETags.isMultipart(null)).isFalse();
    }

    @Test
    void md5HexAndMultipartETagOfAFile(@TempDir Path dir) throws Exception {
        byte[] data = S3TestFiles.bytes(9, 25);
        Path f = dir.resolve("f");
        Files.write(f, data);
        assertThat(ETags.md5Hex(f)).isEqualTo(S3TestFiles.md5(data));
        MessageDigest all = MessageDigest.getInstance("MD5");
        for (int off = 0; off < 25; off += 10) {
            all.update(MessageDigest.getInstance("MD5").digest(Arrays.copyOfRange(data, off, Math.min(25, off + 10))));
        }
        assertThat(ETags.multipartETag(f, 25, 10)).isEqualTo(HexFormat.of().formatHex(all.digest()) + "-3");
    }

    @Test
    void md5HexOfAMissingFileThrows(@TempDir Path dir) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ETags.md5Hex(dir.resolve("none")))
                .isInstanceOf(IOException.class);
    }
}
