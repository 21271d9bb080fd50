/** The queued transcoding service as plain Java: TranscodeService, TranscodeWorker, JobStore (Redis), Redis Streams queue, S3 raw/processed objects, presigned links, Notifier (SMTP). */
package io.stowage.transcode.jobs;
