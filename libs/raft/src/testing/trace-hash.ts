/** Incremental 64-bit FNV-1a (as two 32-bit lanes) over the event trace. */
export class TraceHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  events = 0;

  add(text: string): void {
    this.events++;
    let a = this.h1;
    let b = this.h2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
    }
    a = Math.imul(a ^ 0x1f, 0x01000193);
    this.h1 = a >>> 0;
    this.h2 = b >>> 0;
  }

  hex(): string {
    return this.h1.toString(16).padStart(8, '0') + this.h2.toString(16).padStart(8, '0');
  }
}
