/** How the fleet talks to the person who started it. */
export interface Reporter {
  /** A line kept in the output (an event, a result). */
  line(text: string): void;
  /** The start-up step in progress (a TTY shows it with a spinner until the next one). */
  progress(text: string): void;
  /** From now on, a TTY keeps `render()`'s lines (a status table) up to date below the output. */
  live(render: () => string[]): void;
  /** Ends the live part; further lines are plain. */
  close(): void;
}

/** Off a TTY (a pipe, a CI log) or with NO_COLOR: plain "[fleet] ..." lines, no escape codes. */
export function plainReporter(write: (text: string) => void = (t) => process.stdout.write(t)): Reporter {
  const line = (text: string) => write(`[fleet] ${text}\n`);
  return { line, progress: line, live: () => undefined, close: () => undefined };
}

/** A live terminal UI only for a person at a terminal that wants escape codes. */
export function wantsTty(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !('NO_COLOR' in process.env) && process.env['TERM'] !== 'dumb';
}
