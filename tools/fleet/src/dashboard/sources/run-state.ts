import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The running fleet's state file (<state dir>/fleet.json), as the dashboard and chaos read it. The
 * fleet writes it; readers accept older or partial files (fields they need are defaulted), since a
 * reader must never crash on a file written by a different version of the fleet.
 */
const instanceSchema = z.object({
  instanceId: z.string(),
  address: z.string(),
  pid: z.number().int().nullable().catch(null),
  logFile: z.string().optional(),
  state: z.string().default('running'),
  /** Its Prometheus endpoint (gRPC services the fleet started with FLOTILLA_METRICS_PORT). */
  metrics: z.string().optional(),
});

const runStateSchema = z.object({
  pid: z.number().int(),
  registry: z.array(z.string()).default([]),
  control: z.string().nullable().optional(),
  dashboard: z.string().nullable().optional(),
  gateway: z.string().nullable().optional(),
  store: z
    .array(
      z.object({
        name: z.string(),
        address: z.string(),
        pid: z.number().int().nullable().catch(null),
        logFile: z.string().optional(),
        state: z.string().optional(),
      }),
    )
    .default([]),
  services: z.record(z.string(), z.array(instanceSchema)).default({}),
});

export type RunState = z.output<typeof runStateSchema>;
export type RunInstance = z.output<typeof instanceSchema>;

/** Parses fleet.json text; undefined (with the reason) when it is not a fleet state. */
export function parseRunState(text: string): { state?: RunState; error?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { error: `fleet.json is not JSON: ${(error as Error).message}` };
  }
  const parsed = runStateSchema.safeParse(json);
  if (!parsed.success) return { error: `fleet.json: ${z.prettifyError(parsed.error)}` };
  return { state: parsed.data };
}

/** Reads <state dir>/fleet.json; `state` is undefined when no fleet is running there. */
export async function readRunState(file: string): Promise<{ state?: RunState; error?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { error: `cannot read ${file}: ${(error as Error).message}` };
  }
  return parseRunState(text);
}

/** One line of <state dir>/events.jsonl, or an event the dashboard observed itself. */
export interface FleetEvent {
  at: number;
  kind: string;
  instance?: string;
  service?: string;
  detail: string;
}

const eventSchema = z.object({
  at: z.number(),
  kind: z.string(),
  instance: z.string().optional(),
  service: z.string().optional(),
  detail: z.string().default(''),
});

/**
 * Follows an append-only JSON-lines file: each read() returns the complete lines added since the
 * last. A file that shrank (a new fleet in the same state dir) is read again from the start.
 */
export class JsonLinesTail {
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  read(): FleetEvent[] {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size < this.offset) {
      this.offset = 0;
      this.partial = '';
    }
    if (size === this.offset) return [];
    const buffer = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const lines = (this.partial + buffer.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    const events: FleetEvent[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const parsed = eventSchema.safeParse(JSON.parse(line));
        if (parsed.success) events.push(parsed.data);
      } catch {
        // A torn or foreign line: skip it rather than stop following the file.
      }
    }
    return events;
  }
}
