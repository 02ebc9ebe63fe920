/**
 * Last indexes of the AppendEntries in flight to one follower, oldest first.
 * Bounded so that a slow follower cannot make the leader buffer without limit.
 */
export class Inflights {
  private readonly items: number[] = [];

  constructor(readonly capacity: number) {}

  get count(): number {
    return this.items.length;
  }

  full(): boolean {
    return this.items.length >= this.capacity;
  }

  add(lastIndex: number): void {
    if (this.full()) throw new Error('inflights: add while full');
    this.items.push(lastIndex);
  }

  /** Acknowledge everything up to and including `index`. */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.items.length && this.items[n] <= index) n++;
    if (n > 0) this.items.splice(0, n);
  }

  freeFirstOne(): void {
    this.items.shift();
  }

  reset(): void {
    this.items.length = 0;
  }
}
