import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PublishedInstance {
  address: string;
  pid: number;
  state: string;
  logFile: string;
}

/** What a running fleet publishes in <state dir>/fleet.json (tools/fleet/README.md), as far as tests read it. */
export interface PublishedFleet {
  pid: number;
  registry: string[];
  control: string;
  dashboard: string | null;
  gateway: string | null;
  store: (PublishedInstance & { name: string })[];
  services: Record<string, (PublishedInstance & { instanceId: string })[]>;
}

/** The running fleet's published state, or undefined while there is none (not started, or stopped). */
export function readPublishedFleet(stateDir: string): PublishedFleet | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'fleet.json'), 'utf-8')) as PublishedFleet;
  } catch {
    // Absent, or being renamed over: nothing to read this time.
    return undefined;
  }
}

/** "http://127.0.0.1:2379" or "127.0.0.1:2379" → "127.0.0.1:2379". */
const hostPort = (address: string) => address.replace(/^\w+:\/\//, '').replace(/\/.*$/, '');

/**
 * Remembers every process and address a fleet publishes while it runs (polled, since instances
 * come and go), so that after it stops a test can check each process is gone and each port
 * closed, and a failed test's teardown can kill what is left.
 */
export class FleetWatch {
  readonly pids = new Set<number>();
  readonly addresses = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly stateDir: string) {
    this.timer = setInterval(() => this.read(), 100);
  }

  /** The published state now (remembering what it names); throws if the fleet publishes none. */
  state(): PublishedFleet {
    const state = this.read();
    if (!state) throw new Error(`no fleet state in ${this.stateDir}`);
    return state;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private read(): PublishedFleet | undefined {
    const state = readPublishedFleet(this.stateDir);
    if (!state) return undefined;
    this.pids.add(state.pid);
    for (const url of [...state.registry, state.control, state.dashboard, state.gateway]) {
      if (url) this.addresses.add(hostPort(url));
    }
    for (const instance of [...state.store, ...Object.values(state.services).flat()]) {
      this.pids.add(instance.pid);
      this.addresses.add(hostPort(instance.address));
    }
    return state;
  }
}
