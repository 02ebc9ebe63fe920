import type { Etcd3, IEvent } from 'etcd3';
import type { Output } from '../output/output.js';
import { withDeadline } from './store-client.js';
import type { StoreTarget } from './store-target.js';

export interface WatchRequest {
  /** What to watch: one key, or every key under a prefix. */
  key?: string;
  prefix?: string;
  /** What the start-up note calls it, e.g. `config of greeter`. */
  describe: string;
  /** Called for every change, in revision order. */
  onEvent(event: IEvent): void;
}

/**
 * Watches from the store's current revision on (so no change after the command started is missed)
 * until SIGINT or SIGTERM, then returns normally. Setting the watch up must finish within the
 * target's deadline; once it runs, etcd3 reconnects by itself and the loss is reported on stderr.
 */
export async function watchUntilStopped(
  client: Etcd3,
  target: StoreTarget,
  out: Output,
  request: WatchRequest,
): Promise<void> {
  const subject = request.key ?? request.prefix ?? '';
  const { watcher, from } = await withDeadline(
    (async () => {
      const read = request.key !== undefined ? client.get(subject) : client.getAll().prefix(subject).limit(1);
      const revision = BigInt((await read.exec()).header.revision) + 1n;
      const builder = client.watch().startRevision(revision.toString());
      const w = await (request.key !== undefined ? builder.key(subject) : builder.prefix(subject)).create();
      return { watcher: w, from: revision };
    })(),
    target,
  );
  let stop = (): void => undefined;
  try {
    let lost = false;
    const stopped = new Promise<void>((resolve, reject) => {
      stop = () => resolve();
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      watcher.on('error', (error) => reject(error));
    });
    watcher.on('data', (res) => res.events.forEach((event) => request.onEvent(event)));
    watcher.on('disconnected', () => {
      if (!lost) out.note(`lost the store at ${target.endpoints.join(', ')}; reconnecting (Ctrl-C to stop)`);
      lost = true;
    });
    watcher.on('connected', () => {
      if (lost) out.note('reconnected; resuming the watch where it left off');
      lost = false;
    });
    out.note(`watching ${request.describe} from revision ${from}; press Ctrl-C to stop`);
    await stopped;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Bounded: the client is closed right after, whether or not the cancel got through.
    await withDeadline(watcher.cancel(), { ...target, timeoutMs: 1000 }).catch(() => undefined);
  }
}
