import { type Exit, type ManagedProcess, type ProcessSpec, spawnManaged } from './managed-process.js';

export interface LayerOptions {
  /** How long each process gets between SIGTERM and SIGKILL. */
  graceMs: number;
  /**
   * Stop its processes one at a time. For a Raft cluster: a leader stopping while its followers do
   * tries to hand leadership to one of them and waits seconds for the transfer to time out.
   */
  oneAtATime?: boolean;
}

interface Layer extends LayerOptions {
  name: string;
  processes: ManagedProcess[];
}

/**
 * Owns the fleet's processes in layers, started in dependency order (registry first). `stopAll`
 * stops them layer by layer in reverse, so services deregister while the registry still runs.
 */
export class Supervisor {
  private readonly layers: Layer[] = [];
  private stopping: Promise<void> | undefined;
  private readonly exitListeners: ((process: ManagedProcess, exit: Exit) => void)[] = [];

  /** Starts a layer's processes (all at once: e.g. registry members need each other to elect a leader). */
  startLayer(name: string, specs: ProcessSpec[], options: LayerOptions): ManagedProcess[] {
    if (this.stopping) throw new Error(`cannot start ${name}: the fleet is stopping`);
    const layer: Layer = { name, ...options, processes: [] };
    this.layers.push(layer);
    return specs.map((spec) => this.spawnInto(layer, spec));
  }

  /** Starts one more process in an existing layer (a scale-up or a restart): stopAll stops it with its layer. */
  startInLayer(name: string, spec: ProcessSpec): ManagedProcess {
    if (this.stopping) throw new Error(`cannot start ${spec.name}: the fleet is stopping`);
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`no layer named ${name}`);
    return this.spawnInto(layer, spec);
  }

  /** Stops one process with its layer's grace period, and forgets it. */
  async stopOne(process: ManagedProcess): Promise<{ killed: boolean }> {
    const layer = this.layers.find((l) => l.processes.includes(process));
    const result = await process.stop(layer?.graceMs ?? 10_000);
    this.forget(process);
    return result;
  }

  /** Drops an exited process from its layer (so a long-running fleet does not accumulate them). */
  forget(process: ManagedProcess): void {
    for (const layer of this.layers) {
      const i = layer.processes.indexOf(process);
      if (i >= 0) layer.processes.splice(i, 1);
    }
  }

  private spawnInto(layer: Layer, spec: ProcessSpec): ManagedProcess {
    const managed = spawnManaged(spec);
    layer.processes.push(managed);
    void managed.exited.then((exit) => {
      if (!this.stopping) for (const listener of this.exitListeners) listener(managed, exit);
    });
    return managed;
  }

  /** Called when a process exits while the fleet is not stopping. */
  onUnexpectedExit(listener: (process: ManagedProcess, exit: Exit) => void): void {
    this.exitListeners.push(listener);
  }

  get processes(): ManagedProcess[] {
    return this.layers.flatMap((l) => l.processes);
  }

  /** Stops everything, last layer first; `progress` reports each layer. Safe to call twice. */
  stopAll(progress: (line: string) => void = () => undefined): Promise<void> {
    this.stopping ??= (async () => {
      for (const layer of [...this.layers].reverse()) {
        const running = layer.processes.filter((p) => !p.hasExited());
        if (running.length === 0) continue;
        progress(`stopping ${layer.name} (${running.map((p) => p.spec.name).join(', ')})...`);
        const results: { killed: boolean }[] = [];
        if (layer.oneAtATime) for (const p of running) results.push(await p.stop(layer.graceMs));
        else results.push(...(await Promise.all(running.map((p) => p.stop(layer.graceMs)))));
        results.forEach(({ killed }, i) => {
          if (killed) progress(`${running[i]?.spec.name} did not stop within ${layer.graceMs} ms; killed it`);
        });
      }
    })();
    return this.stopping;
  }
}
