/**
 * What the servers applied, by log index, across all servers and incarnations. Items are
 * `c:<command>` for commands and `m:<change>` for membership changes. State machine safety: every
 * server applies the same item at an index; a command appears at one index only (proposers never
 * resubmit, so a second copy means the runtime duplicated a proposal).
 */
export class AppliedHistory {
  private readonly byIndex = new Map<number, string>();
  private readonly indexOfCommand = new Map<string, number>();

  constructor(private readonly fail: (message: string) => void) {}

  itemAt(index: number): string | undefined {
    return this.byIndex.get(index);
  }

  indexOfItem(item: string): number | undefined {
    return this.indexOfCommand.get(item);
  }

  record(server: number, index: number, item: string): void {
    const known = this.byIndex.get(index);
    if (known !== undefined) {
      if (known !== item)
        this.fail(
          `state machine safety: server ${server} applied ${item} at index ${index}, elsewhere ${known}`,
        );
      return;
    }
    this.byIndex.set(index, item);
    if (!item.startsWith('c:')) return; // the same membership change may recur (remove, then re-add)
    const other = this.indexOfCommand.get(item);
    if (other !== undefined && other !== index) {
      this.fail(`state machine safety: ${item} applied at index ${index} and at index ${other} (duplicated)`);
      return;
    }
    this.indexOfCommand.set(item, index);
  }

  /**
   * A snapshot (taken by `server` or installed from its leader) must hold exactly what was applied
   * at indexes <= `upTo`: nothing later (it would be applied twice), nothing missing, nothing different.
   */
  checkSnapshot(server: number, upTo: number, items: ReadonlyMap<number, string>): void {
    for (const [index, item] of items) {
      if (index > upTo) {
        this.fail(
          `snapshot: server ${server} snapshot at index ${upTo} holds ${item} applied at later index ${index}`,
        );
        return;
      }
      const known = this.byIndex.get(index);
      if (known !== item) {
        this.fail(
          `snapshot: server ${server} snapshot at index ${upTo} holds ${item} at index ${index}, applied there: ${known ?? 'nothing'}`,
        );
        return;
      }
    }
    for (const [index, item] of this.byIndex) {
      if (index <= upTo && !items.has(index)) {
        this.fail(
          `snapshot: server ${server} snapshot at index ${upTo} lacks ${item} applied at index ${index}`,
        );
        return;
      }
    }
  }
}
