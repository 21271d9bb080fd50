/**
 * The implementation behind des-format's API, not exported by {@code module-info} (JPMS hides it): the local file
 * sink ({@code FileSink}, O_DIRECT with a fallback), the directory external store, the atomic-file helper and the
 * byte-exact META JSON codec. The classes the API package {@code io.stowage.des} calls are {@code public} only
 * because Java needs that across packages; the rest ({@code AtomicFiles}) is package-private. Nothing here is API:
 * other modules use {@code io.stowage.des} only.
 */
package io.stowage.des.internal;
