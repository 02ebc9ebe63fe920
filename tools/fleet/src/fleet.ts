import { mkdirSync, rmSync } from 'node:fs';
import { createDiscovery } from '@flotilla/discovery';
import { type FleetDefinition, startOrder } from './definition/fleet-definition.js';
import type { FleetConfig } from './fleet-config.js';
import type { FleetMember } from './fleet-member.js';
import { isAlive, readFleetState, removeFleetState, writeFleetState } from './fleet-state.js';
import { fleetPaths } from './paths.js';
import { ensureEtcd } from './registry/ensure-etcd.js';
import { startRegistry } from './registry/start-registry.js';
import { startService } from './start-service.js';
import { Supervisor } from './supervisor/supervisor.js';

export type { FleetMember } from './fleet-member.js';

export interface RunningFleet {
  /** Where each process logs: <logDir>/<instance>.log. */
  logDir: string;
  registry: FleetMember[];
  /** Service name -> its instances. */
  services: Record<string, FleetMember[]>;
  /** Resolves with a message if a process dies on its own. */
  unexpectedExit: Promise<string>;
  stop(progress?: (line: string) => void): Promise<void>;
}

/**
 * Starts the registry, then each service in dependency order, waiting for each to be ready. If
 * anything fails (or `signal` aborts), it stops what it started before rejecting.
 */
export async function startFleet(
  config: FleetConfig,
  definition: FleetDefinition,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<RunningFleet> {
  const kind = config.etcd ? 'etcd' : 'store';
  const paths = fleetPaths(config.stateDir, kind);
  const previous = readFleetState(paths.stateFile);
  if (previous && isAlive(previous.pid)) {
    throw new Error(
      `a fleet is already running from ${config.stateDir} (pid ${previous.pid}); stop it (Ctrl-C in its terminal) first`,
    );
  }
  mkdirSync(paths.logs, { recursive: true });
  if (config.etcd) await ensureEtcd(log);

  const supervisor = new Supervisor();
  const unexpectedExit = new Promise<string>((resolve) =>
    supervisor.onUnexpectedExit((p, exit) =>
      resolve(
        `${p.spec.name} exited unexpectedly (code ${exit.code}, signal ${exit.signal}); see ${p.spec.logFile}`,
      ),
    ),
  );
  const stop = async (progress: (line: string) => void = log) => {
    await supervisor.stopAll(progress);
    removeFleetState(paths.stateFile);
  };

  try {
    if (config.fresh) {
      log(`--fresh: removing ${paths.registryDir}`);
      rmSync(paths.registryDir, { recursive: true, force: true });
    }
    const { startTimeoutMs } = config;
    const registry = await startRegistry(supervisor, { kind, paths, startTimeoutMs, signal, log });
    const endpoints = registry.map((m) => m.address);
    const services: Record<string, FleetMember[]> = {};
    const discovery = await createDiscovery({ endpoints });
    try {
      for (const service of startOrder(definition)) {
        services[service.name] = await startService(supervisor, service, {
          discovery,
          logDir: paths.logs,
          startTimeoutMs,
          signal,
          log,
        });
      }
    } finally {
      await discovery.close();
    }
    writeFleetState(paths.stateFile, {
      pid: process.pid,
      registry: endpoints,
      services: Object.fromEntries(
        Object.entries(services).map(([name, members]) => [
          name,
          members.map((m) => ({ instanceId: m.name, address: m.address, pid: m.pid })),
        ]),
      ),
    });
    return { logDir: paths.logs, registry, services, unexpectedExit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
