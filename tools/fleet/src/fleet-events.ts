import { appendFileSync, writeFileSync } from 'node:fs';

export const EVENT_KINDS = [
  'start',
  'exit',
  'kill',
  'pause',
  'resume',
  'restart',
  'scale',
  'stop',
  'leader-change',
  'breaker',
] as const;

export interface FleetEvent {
  at: number;
  kind: (typeof EVENT_KINDS)[number];
  instance?: string;
  service?: string;
  detail: string;
}

/** <state dir>/events.jsonl: one JSON event per line, for the dashboard's feed. */
export class EventLog {
  constructor(private readonly file: string) {
    // A new run starts a new feed.
    writeFileSync(file, '');
  }

  append(event: Omit<FleetEvent, 'at'>): FleetEvent {
    const full = { at: Date.now(), ...event };
    appendFileSync(this.file, `${JSON.stringify(full)}\n`);
    return full;
  }
}
