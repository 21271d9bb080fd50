/**
 * Camera recording retrieval. {@link io.stowage.es.EsToTsParser} fetches the ES segments of a time range from an
 * {@link io.stowage.es.EsSegmentStore} (S3 or a folder) in parallel and stitches one valid MPEG-TS, reporting what
 * was missing or corrupt in an {@link io.stowage.es.EsFetchReport}; {@link io.stowage.es.TsChecker} checks a transport
 * stream. Failures are {@link io.stowage.es.EsException}s.
 *
 * <pre>{@code
 * EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(Path.of("/rec/cam-01")), EsFetchOptions.defaults())
 *         .fetch(Instant.parse("2025-01-01T11:59:56Z"), Instant.parse("2025-01-01T12:00:16Z"), Path.of("clip.ts"));
 * }</pre>
 */
package io.stowage.es;
