import { stat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** A second server (process, or open in this process) on a data dir already in use. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    /** The holder's pid, or null if it did not say. */
    readonly holderPid: number | null,
  ) {
    super(
      `raft data dir ${dir} is in use by ${holderPid === null ? 'another process' : `process ${holderPid}`}`,
    );
    this.name = 'DataDirLockedError';
  }
}

const ASK_TIMEOUT_MS = 2000;

/**
 * Exclusive use of a data dir, held by listening on a local socket named after the directory's
 * device and inode. The kernel lets one listener have a name and frees it when the process dies,
 * SIGKILL included, so a crashed holder never blocks the next start; a lock file would outlive it.
 * Linux: an abstract socket (no file; per network namespace). Windows: a named pipe. Elsewhere: a
 * socket file in the dir, removed when nobody listens on it (two starts racing over a stale file
 * can both win there). The listener answers every connection with its pid, for the error message.
 */
export class DirLock {
  private released = false;

  private constructor(
    private readonly server: Server,
    private readonly socketFile: string | null,
  ) {}

  static async acquire(dir: string, platform: NodeJS.Platform = process.platform): Promise<DirLock> {
    const { dev, ino } = await stat(dir, { bigint: true });
    const name = `flotilla-raft-dir-lock-${dev}-${ino}`;
    const socketFile = platform === 'linux' || platform === 'win32' ? null : join(dir, 'lock.sock');
    const address = socketFile ?? (platform === 'linux' ? `\0${name}` : `\\\\?\\pipe\\${name}`);
    for (let attempt = 0; ; attempt++) {
      const server = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.end(`${process.pid}\n`);
      });
      try {
        await listen(server, address);
        server.unref(); // the lock must not keep the process alive
        return new DirLock(server, socketFile);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        const holder = await askHolder(address);
        // Nobody answers: the holder just let go, or (socket file) died and left the file behind.
        if (holder === 'gone' && attempt < 2) {
          if (socketFile) await unlink(socketFile).catch(() => undefined);
          continue;
        }
        throw new DataDirLockedError(dir, typeof holder === 'number' ? holder : null);
      }
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.socketFile) await unlink(this.socketFile).catch(() => undefined);
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The holder's pid; 'gone' if nobody listens; null if it did not answer in time. */
function askHolder(path: string): Promise<number | 'gone' | null> {
  return new Promise((resolve) => {
    let text = '';
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, ASK_TIMEOUT_MS);
    const done = (answer: number | 'gone' | null): void => {
      clearTimeout(timer);
      resolve(answer);
    };
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('end', () => {
      const pid = Number.parseInt(text, 10);
      done(Number.isSafeInteger(pid) && pid > 0 ? pid : null);
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ECONNREFUSED' || e.code === 'ENOENT' ? 'gone' : null),
    );
  });
}
