package io.stowage.cli;

import io.stowage.des.DesCorruptException;
import io.stowage.des.DesNameException;
import io.stowage.transcode.TranscodeInputUnreadableException;
import io.stowage.transcode.TranscodeOutputExistsException;
import io.stowage.transcode.TranscodeUnknownPresetException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one exception table: error.type is the simple name, exit codes as the CLI contract says. */
class ErrorTableTest {
    @Test
    void libraryFailuresKeepTheirSimpleName() {
        assertThat(ErrorTable.of(new TranscodeInputUnreadableException(Path.of("x"), "empty")))
                .isEqualTo(new ErrorTable.Verdict(1, "TranscodeInputUnreadableException", "x: empty"));
        assertThat(ErrorTable.of(new DesCorruptException("a.des", "footer", 12, "bad")).type())
                .isEqualTo("DesCorruptException");
        assertThat(ErrorTable.of(new IllegalStateException("boom")))
                .isEqualTo(new ErrorTable.Verdict(1, "IllegalStateException", "boom"));
    }

    @Test
    void libraryUsageErrorsExitTwo() {
        ErrorTable.Verdict v = ErrorTable.of(new TranscodeUnknownPresetException("nope", List.of("h264")));
        assertThat(v.exitCode()).isEqualTo(2);
        assertThat(v.type()).isEqualTo("TranscodeUnknownPresetException");
        ErrorTable.Verdict exists = ErrorTable.of(new TranscodeOutputExistsException(Path.of("out.mp4")));
        assertThat(exists).isEqualTo(new ErrorTable.Verdict(2, "TranscodeOutputExistsException",
                "out.mp4 already exists; choose another name or add --force"));
        assertThat(ErrorTable.of(new IllegalArgumentException("x")).exitCode()).isEqualTo(2);
    }

    @Test
    void cliFailuresAndReWordedLibraryFailures() {
        assertThat(ErrorTable.of(CliException.usage("--bits 0 must be between 1 and 256")))
                .isEqualTo(new ErrorTable.Verdict(2, "CliUsageException", "--bits 0 must be between 1 and 256"));
        assertThat(ErrorTable.of(new CliBucketMissingException("b", "AWS S3", "bucket 'b' does not exist")))
                .isEqualTo(new ErrorTable.Verdict(1, "CliBucketMissingException", "bucket 'b' does not exist"));
        DesNameException name = new DesNameException("a\u0001", "control character");
        assertThat(ErrorTable.of(CliException.reworded("in/a: control character", name)))
                .isEqualTo(new ErrorTable.Verdict(2, "DesNameException", "in/a: control character"));
        assertThat(ErrorTable.of(name)).isEqualTo(new ErrorTable.Verdict(2, "DesNameException",
                name.getMessage()));
        assertThat(ErrorTable.of(CliException.reworded("interrupted", new InterruptedException())))
                .isEqualTo(new ErrorTable.Verdict(1, "InterruptedException", "interrupted"));
        assertThat(ErrorTable.usage("Missing required option: '--to=T'").type()).isEqualTo("CliUsageException");
    }

    @Test
    void uncheckedIoReportsItsCause() {
        assertThat(ErrorTable.of(new UncheckedIOException(new NoSuchFileException("a.ts"))).type())
                .isEqualTo("NoSuchFileException");
        assertThat(ErrorTable.of(new UncheckedIOException("x", new IOException("disk"))))
                .isEqualTo(new ErrorTable.Verdict(1, "IOException", "disk"));
    }
}
