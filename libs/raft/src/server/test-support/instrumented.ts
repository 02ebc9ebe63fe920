import type { Message } from '../../core/messages.js';
import type { Transport } from '../../interfaces/transport.js';
import type { StorageUpdate } from '../../interfaces/storage.js';
import { MemoryStorage } from '../../memory/memory-storage.js';

/** Wraps a transport and records every message sent through it. */
export function recording(inner: Transport): { transport: Transport; sent: Message[] } {
  const sent: Message[] = [];
  const transport: Transport = {
    id: inner.id,
    send: (m) => {
      sent.push(m);
      inner.send(m);
    },
    listen: (h) => inner.listen(h),
    close: () => inner.close(),
  };
  return { transport, sent };
}

/** MemoryStorage whose `save` can be held open until the test releases it. */
export class GatedStorage extends MemoryStorage {
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  /** Saves started while the gate was closed. */
  held = 0;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = null;
    this.open = null;
  }

  override async save(update: StorageUpdate): Promise<void> {
    if (this.gate) {
      this.held++;
      await this.gate;
    }
    this.saveSync(update);
  }
}

/** Wraps a transport so that a test can drop chosen incoming messages. */
export function filtering(inner: Transport): {
  transport: Transport;
  drop: { when: ((m: Message) => boolean) | null };
} {
  const drop: { when: ((m: Message) => boolean) | null } = { when: null };
  const transport: Transport = {
    id: inner.id,
    send: (m) => inner.send(m),
    listen: (h) => inner.listen((m) => (drop.when?.(m) ? undefined : h(m))),
    close: () => inner.close(),
  };
  return { transport, drop };
}
