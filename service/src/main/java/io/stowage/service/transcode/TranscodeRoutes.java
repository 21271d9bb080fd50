package io.stowage.service.transcode;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.stowage.service.ServiceBadRequestException;
import io.stowage.service.ServiceException;
import io.stowage.service.ServicePayloadTooLargeException;
import io.stowage.service.ServiceUnauthorizedException;
import io.stowage.service.WebAuth;
import io.stowage.service.internal.Json;
import io.stowage.transcode.jobs.JobId;
import io.stowage.transcode.jobs.JobView;
import io.stowage.transcode.jobs.TranscodeJobsTooLargeException;
import io.stowage.transcode.jobs.TranscodeService;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The transcoding API over {@link TranscodeService}: thin handlers, every rule (ownership, limits, names, presets)
 * is the library's. Stateless; thread-safe.
 */
final class TranscodeRoutes {
    /** Room for multipart headers and form fields beside the file. */
    private static final long FORM_OVERHEAD = 64 * 1024;
    private final TranscodeService service;
    private final WebAuth auth;

    TranscodeRoutes(TranscodeService service, WebAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    void routes(RoutesConfig r) {
        r.post("/upload", this::upload);
        r.get("/status/{job}", ctx -> {
            String user = auth.user(ctx);
            Json.write(ctx, JobJson.of(service.status(user, JobId.parse(user, ctx.pathParam("job")))));
        });
        r.get("/jobs", ctx -> {
            String user = auth.user(ctx);
            int page = intParam(ctx, "page", 0);
            int size = intParam(ctx, "size", 20);
            if (page < 0 || size < 1 || size > 1000) {
                throw new ServiceBadRequestException("page " + page + ", size " + size
                        + ": page must be 0 or more, size 1 to 1000");
            }
            Json.write(ctx, JobJson.Page.of(service.history(user, page, size)));
        });
        r.delete("/jobs/{job}", ctx -> {
            String user = auth.user(ctx);
            service.delete(user, JobId.parse(user, ctx.pathParam("job")));
            ctx.status(204);
        });
        r.get("/download/{job}", this::download);
        r.get("/presets", ctx -> Json.write(ctx, new Presets(service.presets())));
    }

    private void upload(Context ctx) throws IOException {
        String user;
        try {
            user = auth.user(ctx);
            long declared = ctx.req().getContentLengthLong();
            long max = service.config().maxInputBytes();
            if (declared > max + FORM_OVERHEAD) {
                // the body cannot fit: refuse before reading it (a chunked body is stopped at the limit while it
                // streams)
                throw new ServicePayloadTooLargeException("upload of " + declared + " bytes is over the limit of "
                        + max + " bytes (--max-upload)");
            }
            UploadParser.requireMultipart(ctx.req());
        } catch (ServiceException e) {
            UploadParser.discardBody(ctx.req());
            throw e;
        }
        try {
            UploadParser.Upload up = UploadParser.parse(ctx.req());
            String name = up.fileName();
            if (name.contains("/") || name.contains("\\")) {
                // RFC 7578 4.2: a filename is a plain name; a path in it is an attempt to leave the user's prefix
                throw new ServiceBadRequestException("filename '" + name + "' contains a path; send the plain file "
                        + "name");
            }
            String preset = firstNonNull(ctx.queryParam("preset"), up.fields().get("preset"));
            if (preset == null || preset.isBlank()) {
                throw new ServiceBadRequestException("no preset: send the 'preset' part before the 'file' part (or "
                        + "?preset=); GET /presets lists them");
            }
            String email = firstNonNull(ctx.queryParam("email"), up.fields().get("email"));
            Optional<String> mail = email == null || email.isBlank() ? Optional.empty() : Optional.of(email.trim());
            // Not closed: an oversized body is answered 413 at once, without waiting for the rest of it (Jetty
            // then closes the connection); after other refusals the rest is read and dropped below.
            InputStream in = up.content();
            JobView job = service.submit(user, in, name, preset.trim(), mail);
            ctx.status(201).header("Location", "/status/" + job.id().value());
            Json.write(ctx, JobJson.of(job));
        } catch (ServicePayloadTooLargeException | TranscodeJobsTooLargeException e) {
            throw e; // answered at once: the rest of an oversized body is not waited for
        } catch (RuntimeException e) {
            UploadParser.discardRest(ctx.req());
            throw e;
        }
    }

    private void download(Context ctx) {
        String user;
        try {
            user = auth.user(ctx);
        } catch (ServiceUnauthorizedException e) {
            // A link in an email is a cross-site navigation: the SameSite=Strict cookie is not sent. A page that
            // reloads the link is a same-site navigation, which carries it. Once only (?again=1).
            String accept = ctx.header("Accept");
            if (ctx.queryParam("again") == null && accept != null && accept.contains("text/html")
                    && ctx.header("Authorization") == null) {
                String url = JobId.isValid(ctx.pathParam("job")) ? "/download/" + ctx.pathParam("job") + "?again=1"
                        : "/";
                ctx.status(200).contentType("text/html; charset=utf-8").result("<!doctype html><meta charset=utf-8>"
                        + "<meta http-equiv=refresh content=\"0;url=" + url + "\"><title>Download</title>"
                        + "<p><a href=\"" + url + "\">Download</a></p>");
                return;
            }
            throw e;
        }
        ctx.redirect(service.downloadUrl(user, JobId.parse(user, ctx.pathParam("job"))).toString(),
                io.javalin.http.HttpStatus.FOUND);
    }

    private static int intParam(Context ctx, String name, int dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ServiceBadRequestException(name + "=" + v + " is not a number");
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** {@code GET /presets}. @param presets the names a submit accepts */
    public record Presets(List<String> presets) {
    }
}
