import Table from 'cli-table3';

/** Where a command writes: stdout for results, stderr for notes, as text or JSON. */
export interface Output {
  readonly json: boolean;
  /** One line (or block) on stdout. */
  line(text: string): void;
  /** A value as one line of JSON on stdout (watch commands print one per event: NDJSON). */
  jsonLine(value: unknown): void;
  /** A table on stdout. */
  table(head: readonly string[], rows: readonly (readonly string[])[]): void;
  /** A note for the operator on stderr, so it never mixes into results that scripts read. */
  note(text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    line: (text) => process.stdout.write(`${text}\n`),
    jsonLine: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
    table: (head, rows) => process.stdout.write(`${renderTable(head, rows)}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
  };
}

/** A plain table (no colours, so output piped to a file or a test stays readable). */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] }, wordWrap: false });
  for (const row of rows) table.push([...row]);
  return table.toString();
}
