const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A state machine snapshot: the applied items by index, and the highest index among them. */
export interface SnapshotContent {
  readonly last: number;
  readonly items: ReadonlyMap<number, string>;
  /** The wrapped application's own snapshot, if the recorder runs one. */
  readonly application?: Uint8Array;
}

/**
 * Snapshot contents by id. The bytes handed to Raft name the id and carry a padding pattern derived
 * from it, so that chunked InstallSnapshot moves real bytes and any damage in transit is caught,
 * without serializing the whole applied history for every snapshot.
 */
export class SnapshotRegistry {
  private readonly contents: SnapshotContent[] = [];
  /** Checks already made (a snapshot is compared with the applied history once, not per copy). */
  private readonly verified = new Set<string>();

  constructor(private readonly paddingBytes: () => number) {}

  encode(content: SnapshotContent): Uint8Array {
    const id = this.contents.push(content) - 1;
    return encoder.encode(`snap:${id}:${padding(id, this.paddingBytes())}`);
  }

  /** Throws if the bytes are not exactly what `encode` produced. */
  decode(data: Uint8Array): { id: number; content: SnapshotContent } {
    const text = decoder.decode(data);
    const m = /^snap:(\d+):(.*)$/s.exec(text);
    const id = m ? Number(m[1]) : -1;
    const content = this.contents[id];
    if (!m || !content || m[2] !== padding(id, m[2].length))
      throw new Error(`not a snapshot of this run (${data.length} bytes: ${text.slice(0, 40)}…)`);
    return { id, content };
  }

  /** True the first time it is called with `key`. */
  firstCheck(key: string): boolean {
    if (this.verified.has(key)) return false;
    this.verified.add(key);
    return true;
  }
}

function padding(id: number, length: number): string {
  const unit = `${id.toString(36)}.`;
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}
