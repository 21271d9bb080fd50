package io.stowage.sync.internal;

import io.stowage.sync.SyncLedgerBusyException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one-process-at-a-time guard of a SQLite ledger: an OS lock on {@code <real ledger file>.lock}, released by the
 * OS when the process dies (even by {@code kill -9}), so a crashed run never blocks the next one. The lock file sits
 * beside the ledger's real file (symbolic links in the path resolved), so every name of one ledger (a link, a
 * {@code ..} detour, a bind of the folder) takes the same lock.
 */
final class ProcessLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static ProcessLock acquire(Path ledger) {
        Path real = realFile(ledger);
        Path lockFile = real.resolveSibling(real.getFileName() + ".lock");
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                throw busy(ledger, null);
            }
            return new ProcessLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw busy(ledger, e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new SyncLedgerBusyException("cannot lock the SQLite ledger " + ledger + " (" + lockFile + "): " + e
                    .getMessage(), ledger.toString(), e);
        } catch (SyncLedgerBusyException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * The file {@code ledger} names once every symbolic link is followed: the real path when it exists, else the real
     * folder plus the name (a link to a file not yet created is followed too).
     */
    static Path realFile(Path ledger) {
        Path p = ledger.toAbsolutePath().normalize();
        for (int hops = 0; hops < 40; hops++) {
            try {
                return p.toRealPath();
            } catch (IOException missing) {
                if (Files.isSymbolicLink(p)) {
                    try {
                        p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
                        continue;
                    } catch (IOException e) {
                        break;
                    }
                }
                Path parent = p.getParent();
                if (parent == null) {
                    break;
                }
                try {
                    return parent.toRealPath().resolve(p.getFileName());
                } catch (IOException e) {
                    break;
                }
            }
        }
        return p;
    }

    private static SyncLedgerBusyException busy(Path ledger, Throwable cause) {
        return new SyncLedgerBusyException("the SQLite ledger " + ledger + " is in use by another upload or retry; a "
                + "SQLite ledger takes one process at a time: wait for it to finish, or use a PostgreSQL ledger "
                + "(--state jdbc:postgresql://...) to run many workers", ledger.toString(), cause);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it too
        }
        closeQuietly(channel);
    }
}
