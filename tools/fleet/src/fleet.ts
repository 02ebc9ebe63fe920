import { mkdirSync, rmSync } from 'node:fs';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { type FleetDefinition, type ServiceDefinition, startOrder } from './definition/fleet-definition.js';
import type { FleetConfig } from './fleet-config.js';
import { EventLog, type FleetEvent } from './fleet-events.js';
import {
  type FleetState,
  isAlive,
  readFleetState,
  removeFleetState,
  writeFleetState,
} from './fleet-state.js';
import { exitedMessage, logTail } from './log-tail.js';
import { displayPath, type FleetPaths, fleetPaths } from './paths.js';
import { ensureEtcd } from './registry/ensure-etcd.js';
import { registryLayer, startRegistry } from './registry/start-registry.js';
import { ControlError } from './runtime/control-errors.js';
import { exclusive, type FleetInstance, instanceIndex } from './runtime/instance.js';
import { buildNewService, readNewService } from './runtime/join-service.js';
import { answersHealthz, isRegistered, memberAnswers } from './runtime/readiness.js';
import { type InstanceContext, metricsOf, pickPorts, planInstance } from './service-instances.js';
import { Supervisor } from './supervisor/supervisor.js';
import { waitUntil } from './wait-until.js';

/** Between SIGTERM and SIGKILL. A greeter needs about 1.5 s (deregister, drain 1 s, close). */
const SERVICE_GRACE_MS = 10_000;
const MAX_INSTANCES = 16;

export interface StartFleetOptions {
  config: FleetConfig;
  definition: FleetDefinition;
  /** Progress and event lines. */
  log: (line: string) => void;
  /** Aborts a start-up in progress (Ctrl-C). */
  signal: AbortSignal;
  /** The control API's url, written into fleet.json. */
  control: string;
}

/**
 * Starts the store, then each service in dependency order, waiting for each to be ready. If
 * anything fails (or `signal` aborts), it stops what it started before rejecting.
 */
export async function startFleet(options: StartFleetOptions): Promise<RunningFleet> {
  const { config, log } = options;
  const kind = config.etcd ? 'etcd' : 'store';
  const paths = fleetPaths(config.stateDir, kind);
  const previous = readFleetState(paths.stateFile);
  if (previous && isAlive(previous.pid) && previous.pid !== process.pid) {
    throw new Error(
      `a fleet is already running from ${config.stateDir} (pid ${previous.pid}); stop it first: npm run fleet -- stop`,
    );
  }
  mkdirSync(paths.logs, { recursive: true });
  if (config.etcd) await ensureEtcd(log);

  const fleet = new RunningFleet(options, paths);
  try {
    if (config.fresh) {
      log(`--fresh: removing ${paths.registryDir}`);
      rmSync(paths.registryDir, { recursive: true, force: true });
    }
    await fleet.start();
    return fleet;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}

/** A started fleet: its processes, what it publishes (fleet.json, events.jsonl), and the operations of the control API. */
export class RunningFleet {
  readonly supervisor = new Supervisor();
  readonly instances: FleetInstance[] = [];
  registry: string[] = [];
  dashboard: string | null = null;
  private discovery: Discovery | undefined;
  private readonly events: EventLog;
  private readonly eventListeners: ((event: FleetEvent) => void)[] = [];
  private stopping: Promise<void> | undefined;
  private readonly joining = new Map<string, Promise<ServiceDefinition>>();

  constructor(
    private readonly options: StartFleetOptions,
    readonly paths: FleetPaths,
  ) {
    this.events = new EventLog(paths.eventsFile);
    this.supervisor.onUnexpectedExit((process, exit) => {
      const instance = this.instances.find((i) => i.process === process);
      if (!instance) return;
      const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
      if (instance.ending) {
        instance.state = instance.ending;
      } else {
        instance.state = 'exited';
        this.event({
          kind: 'exit',
          instance: instance.id,
          service: instance.service,
          detail: `exited on its own (${how}); see ${instance.spec.logFile}`,
        });
      }
      this.publish();
    });
  }

  get definition(): FleetDefinition {
    return this.options.definition;
  }

  get logDir(): string {
    return this.paths.logs;
  }

  /** The first HTTP service's url (the one named gateway, if any). */
  get gateway(): string | null {
    const http = this.definition.services.filter((s) => s.kind === 'http');
    const service = http.find((s) => s.name === 'gateway') ?? http[0];
    const instance = service && this.instances.find((i) => i.service === service.name);
    return instance ? `http://${instance.address}` : null;
  }

  /** Called with every event the fleet records (the TTY shows them). */
  onEvent(listener: (event: FleetEvent) => void): void {
    this.eventListeners.push(listener);
  }

  async start(): Promise<void> {
    const { config, definition, log, signal } = this.options;
    const kind = config.etcd ? 'etcd' : 'store';
    const members = await startRegistry(this.supervisor, {
      kind,
      members: definition.store.members,
      paths: this.paths,
      startTimeoutMs: config.startTimeoutMs,
      signal,
      log,
    });
    const now = Date.now();
    for (const m of members) {
      this.instances.push({
        id: m.name,
        service: 'store',
        kind: 'store',
        layer: registryLayer(kind),
        address: m.address,
        spec: m.spec,
        process: m.process,
        state: 'running',
        restarts: 0,
        startedAt: now,
        busy: Promise.resolve(),
      });
      this.event({ kind: 'start', instance: m.name, service: 'store', detail: `serving on ${m.address}` });
    }
    this.registry = members.map((m) => m.address);
    this.publish();
    this.discovery = await createDiscovery({ endpoints: this.registry });

    for (const service of startOrder(definition)) {
      const indexes = Array.from({ length: service.instances }, (_, i) => i + 1);
      const ports = await pickPorts(service, indexes, config.definitionFile);
      const planned = ports.map(({ index, port, metricsPort }) =>
        planInstance(service, index, port, this.context, metricsPort),
      );
      log(`starting ${service.name} x${planned.length}...`);
      const processes = this.supervisor.startLayer(
        service.name,
        planned.map((p) => p.spec),
        { graceMs: SERVICE_GRACE_MS },
      );
      const addressOf = new Map(planned.map((p) => [p.instanceId, p.address]));
      const started = processes.map((process) =>
        this.track(service, process.spec.name, addressOf.get(process.spec.name) ?? '', process.spec, process),
      );
      this.publish();
      await Promise.all(started.map((instance) => this.waitReady(instance)));
      for (const instance of started) {
        instance.state = 'running';
        this.event({
          kind: 'start',
          instance: instance.id,
          service: service.name,
          detail: `serving on ${instance.address}`,
        });
        log(
          `${instance.id} serving on ${instance.address} (pid ${instance.process.pid}), ${service.kind === 'http' ? '/healthz answers' : 'registered'}`,
        );
      }
      this.publish();
    }
  }

  /** fleet.json's content. */
  state(): FleetState {
    const record = (i: FleetInstance) => ({
      address: i.address,
      pid: i.process.pid,
      logFile: i.spec.logFile,
      ...metricsOf(i.spec),
      state: i.state,
      restarts: i.restarts,
      startedAt: i.startedAt,
    });
    const services: FleetState['services'] = {};
    for (const service of startOrder(this.definition)) {
      const instances = this.instances.filter((i) => i.service === service.name);
      if (instances.length > 0)
        services[service.name] = instances.map((i) => ({ instanceId: i.id, ...record(i) }));
    }
    return {
      pid: process.pid,
      registry: this.registry,
      control: this.options.control,
      dashboard: this.dashboard,
      gateway: this.gateway,
      store: this.instances.filter((i) => i.kind === 'store').map((i) => ({ name: i.id, ...record(i) })),
      services,
    };
  }

  /** Rewrites fleet.json (atomically). */
  publish(): void {
    if (this.registry.length === 0 || this.stopping) return;
    writeFleetState(this.paths.stateFile, this.state());
  }

  /** SIGKILLs an instance (its whole process group). It stays down unless `restart` is set. */
  kill(id: string, restart = false): Promise<FleetInstance> {
    const instance = this.find(id);
    return exclusive(instance, async () => {
      if (instance.process.hasExited()) {
        throw new ControlError(409, `${id} is not running (${instance.state})`);
      }
      instance.ending = 'killed';
      instance.process.signal('SIGKILL');
      await instance.process.exited;
      instance.state = 'killed';
      this.supervisor.forget(instance.process);
      this.event({ kind: 'kill', instance: id, service: instance.service, detail: 'SIGKILL' });
      this.publish();
      if (restart) await this.respawn(instance, 'restarted after the kill');
      return instance;
    });
  }

  /** SIGSTOPs an instance: it stays registered but answers nothing (a hung process). */
  pause(id: string): Promise<FleetInstance> {
    const instance = this.find(id);
    return exclusive(instance, async () => {
      if (instance.state !== 'running')
        throw new ControlError(409, `${id} is ${instance.state}, not running`);
      instance.process.signal('SIGSTOP');
      instance.state = 'paused';
      this.event({ kind: 'pause', instance: id, service: instance.service, detail: 'SIGSTOP' });
      this.publish();
      return instance;
    });
  }

  resume(id: string): Promise<FleetInstance> {
    const instance = this.find(id);
    return exclusive(instance, async () => {
      if (instance.state !== 'paused') throw new ControlError(409, `${id} is ${instance.state}, not paused`);
      instance.process.signal('SIGCONT');
      instance.state = 'running';
      this.event({ kind: 'resume', instance: id, service: instance.service, detail: 'SIGCONT' });
      this.publish();
      return instance;
    });
  }

  /**
   * Stops an instance gracefully (if it runs) and starts it again on the same port (a store member
   * with the same data dir); resolves once it is ready again.
   */
  restart(id: string): Promise<FleetInstance> {
    const instance = this.find(id);
    return exclusive(instance, async () => {
      const was = instance.state;
      if (!instance.process.hasExited()) {
        instance.ending = 'stopped';
        await this.supervisor.stopOne(instance.process);
        instance.state = 'stopped';
      } else {
        this.supervisor.forget(instance.process);
      }
      await this.respawn(instance, `restarted (was ${was})`);
      return instance;
    });
  }

  /** Scales a service to `count` instances: new ones get the next numbers; the highest numbers stop first. */
  async scale(name: string, count: number): Promise<FleetInstance[]> {
    if (name === 'store') {
      throw new ControlError(
        400,
        'the store has a fixed number of members (store.members in the definition)',
      );
    }
    if (!Number.isInteger(count) || count < 0 || count > MAX_INSTANCES) {
      throw new ControlError(
        400,
        `instances must be an integer from 0 to ${MAX_INSTANCES}, got ${String(count)}`,
      );
    }
    const service = this.definition.services.find((s) => s.name === name) ?? (await this.join(name));
    const current = this.instances.filter((i) => i.service === name);
    if (count < current.length) {
      const excess = [...current]
        .sort((a, b) => instanceIndex(b.id) - instanceIndex(a.id))
        .slice(0, current.length - count);
      await Promise.all(
        excess.map((instance) =>
          exclusive(instance, async () => {
            instance.ending = 'stopped';
            await this.supervisor.stopOne(instance.process);
            this.instances.splice(this.instances.indexOf(instance), 1);
          }),
        ),
      );
      this.event({
        kind: 'scale',
        service: name,
        detail: `${current.length} -> ${count}: stopped ${excess.map((i) => i.id).join(', ')}`,
      });
      this.publish();
    } else if (count > current.length) {
      const next = Math.max(0, ...current.map((i) => instanceIndex(i.id))) + 1;
      const indexes = Array.from({ length: count - current.length }, (_, k) => next + k);
      const ports = await pickPorts(service, indexes, this.options.config.definitionFile);
      const added = ports.map(({ index, port, metricsPort }) => {
        const planned = planInstance(service, index, port, this.context, metricsPort);
        const process = this.supervisor.startInLayer(service.name, planned.spec);
        return this.track(service, planned.instanceId, planned.address, planned.spec, process);
      });
      this.publish();
      await Promise.all(added.map((instance) => this.waitReady(instance)));
      for (const instance of added) instance.state = 'running';
      this.event({
        kind: 'scale',
        service: name,
        detail: `${current.length} -> ${count}: started ${added.map((i) => i.id).join(', ')}`,
      });
      this.publish();
    }
    return this.instances.filter((i) => i.service === name);
  }

  /**
   * Adopts a service added to the definition file since the fleet started (e.g. just generated):
   * read and validated, built if stale, then scaled like the others and stopped first (its layer is
   * the last). Concurrent scales of the same new service share one join.
   */
  private join(name: string): Promise<ServiceDefinition> {
    let joining = this.joining.get(name);
    if (!joining) {
      const { definitionFile, build } = this.options.config;
      joining = (async () => {
        const service = readNewService(name, this.definition, definitionFile);
        await buildNewService(service, build, definitionFile);
        if (this.stopping) throw new ControlError(409, 'the fleet is stopping');
        this.supervisor.startLayer(service.name, [], { graceMs: SERVICE_GRACE_MS });
        this.definition.services.push(service);
        this.event({
          kind: 'scale',
          service: name,
          detail: `joined the running fleet from ${displayPath(definitionFile)}`,
        });
        return service;
      })().finally(() => this.joining.delete(name));
      this.joining.set(name, joining);
    }
    return joining;
  }

  /** Stops everything, services in reverse dependency order and the store last. Safe to call twice. */
  stop(progress: (line: string) => void = this.options.log): Promise<void> {
    this.stopping ??= (async () => {
      if (this.registry.length > 0) this.event({ kind: 'stop', detail: 'the fleet is stopping' });
      await this.supervisor.stopAll(progress);
      await this.discovery?.close();
      removeFleetState(this.paths.stateFile);
    })();
    return this.stopping;
  }

  event(event: Omit<FleetEvent, 'at'>): void {
    const full = this.events.append(event);
    for (const listener of this.eventListeners) listener(full);
  }

  private get context(): InstanceContext {
    return {
      registry: this.registry,
      logDir: this.paths.logs,
      stateDir: this.options.config.stateDir,
      definitionFile: this.options.config.definitionFile,
    };
  }

  private find(id: string): FleetInstance {
    const instance = this.instances.find((i) => i.id === id);
    if (!instance) {
      throw new ControlError(
        404,
        `no instance "${id}" in this fleet (it has ${this.instances.map((i) => i.id).join(', ')})`,
      );
    }
    if (this.stopping) throw new ControlError(409, 'the fleet is stopping');
    return instance;
  }

  private track(
    service: ServiceDefinition,
    id: string,
    address: string,
    spec: FleetInstance['spec'],
    process: FleetInstance['process'],
  ): FleetInstance {
    const instance: FleetInstance = {
      id,
      service: service.name,
      kind: service.kind,
      layer: service.name,
      address,
      spec,
      process,
      state: 'starting',
      restarts: 0,
      startedAt: Date.now(),
      busy: Promise.resolve(),
    };
    this.instances.push(instance);
    return instance;
  }

  /** Starts an instance's process again (same command, port and data; its log appended) and waits until ready. */
  private async respawn(instance: FleetInstance, why: string): Promise<void> {
    instance.spec = { ...instance.spec, appendLog: true };
    instance.process = this.supervisor.startInLayer(instance.layer, instance.spec);
    instance.ending = undefined;
    instance.state = 'starting';
    instance.restarts += 1;
    instance.startedAt = Date.now();
    this.publish();
    await this.waitReady(instance);
    instance.state = 'running';
    this.event({
      kind: 'restart',
      instance: instance.id,
      service: instance.service,
      detail: `${why}; serving again on ${instance.address} (pid ${instance.process.pid})`,
    });
    this.publish();
  }

  private async waitReady(instance: FleetInstance): Promise<void> {
    const { startTimeoutMs } = this.options.config;
    const discovery = this.discovery;
    const check =
      instance.kind === 'store'
        ? () => memberAnswers(instance.address)
        : instance.kind === 'http'
          ? () => answersHealthz(instance.address)
          : () =>
              discovery
                ? isRegistered(discovery, instance.service, instance.id, instance.address)
                : Promise.resolve(false);
    const what =
      instance.kind === 'store'
        ? `${instance.id} to serve on ${instance.address}`
        : instance.kind === 'http'
          ? `${instance.id} to answer GET http://${instance.address}/healthz`
          : `${instance.id} to register in the registry`;
    const process = instance.process;
    await waitUntil(check, {
      timeoutMs: startTimeoutMs,
      what,
      signal: this.options.signal,
      failed: () => exitedMessage(process),
      detail: () => logTail(process),
    });
  }
}
