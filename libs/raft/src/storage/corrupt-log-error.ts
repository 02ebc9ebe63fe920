/**
 * Raised when stored Raft state fails its checks anywhere but a torn tail. Never skipped: the
 * operator decides (restore the server from a peer, or wipe its data).
 */
export class CorruptLogError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
    /** Which kind of file: 'log', 'snapshot' or 'hard state'. */
    what = 'log',
  ) {
    super(`raft ${what} corrupt: ${file} at offset ${offset}: ${reason}`);
    this.name = 'CorruptLogError';
  }
}
