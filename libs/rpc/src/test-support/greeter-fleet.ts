import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { GreeterService, protoFile } from '@flotilla/proto';
import {
  captureOutput,
  type EtcdCluster,
  freePorts,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';
import type { TypedClient } from '../client/client-types.js';
import { createClient, type CreateClientOptions } from '../client/create-client.js';
import { waitConnected } from './wait-connected.js';

/** The greeter's build output, run as a child process with plain Node. */
export const GREETER_MAIN = fileURLToPath(new URL('../../../../apps/greeter/dist/main.js', import.meta.url));

export interface GreeterInstance {
  readonly index: number;
  readonly address: string;
  readonly port: number;
  child: ChildProcess;
  output: () => string;
}

export interface GreeterFleet {
  readonly etcd: EtcdCluster;
  readonly discovery: Discovery;
  readonly instances: GreeterInstance[];
  /** (Re)starts instance `i` on its port with `env` (e.g. GREETER_FAULT) and waits until it is registered. */
  start(i: number, env?: NodeJS.ProcessEnv): Promise<GreeterInstance>;
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A one-member etcd and `count` greeter processes registered in it as `greeter` (instance ids
 * g0, g1, ...). `env(i)` adds environment variables per instance, `args(i)` extra flags.
 */
export async function startGreeterFleet(
  count: number,
  env: (i: number) => NodeJS.ProcessEnv = () => ({}),
  args: (i: number) => string[] = () => [],
): Promise<GreeterFleet> {
  if (!existsSync(GREETER_MAIN)) throw new Error(`${GREETER_MAIN} is missing: run npx nx run greeter:build`);
  const etcd = await startEtcdCluster({ size: 1 });
  let discovery: Discovery | undefined;
  const instances: GreeterInstance[] = [];
  const fleet: GreeterFleet = {
    etcd,
    get discovery() {
      return discovery!;
    },
    instances,
    async start(i, extraEnv = {}) {
      const port = ports[i]!;
      const child = spawnTracked(
        process.execPath,
        [
          GREETER_MAIN,
          '--port',
          String(port),
          '--registry',
          etcd.endpoints.join(','),
          '--instance-id',
          `g${i}`,
          '--drain-ms',
          '0',
          '--ttl',
          '5',
          ...args(i),
        ],
        { env: { ...process.env, ...env(i), ...extraEnv } },
      );
      const output = captureOutput(child);
      const instance: GreeterInstance = { index: i, address: `127.0.0.1:${port}`, port, child, output };
      instances[i] = instance;
      await waitFor(
        () =>
          output().includes('registered in etcd') ||
          (child.exitCode !== null ? Promise.reject(new Error(output())) : false),
        {
          // Start-up loads Nest, grpc-js, zod and pino; on a busy 2-core box it can take 20 s.
          timeoutMs: 60_000,
          intervalMs: 25,
          what: `greeter g${i} on port ${port} to register in etcd`,
        },
      );
      return instance;
    },
    async kill(i, signal = 'SIGKILL') {
      const instance = instances[i];
      if (instance) await stopChild(instance.child, signal, 2000);
    },
    async stop() {
      await Promise.all(instances.map((instance) => instance && stopChild(instance.child, 'SIGKILL')));
      await discovery?.close().catch(() => undefined);
      await etcd.stop();
    },
  };
  const ports = await freePorts(count);
  try {
    discovery = await createDiscovery({ endpoints: etcd.endpoints });
    await Promise.all(ports.map((_, i) => fleet.start(i)));
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

/**
 * A client of the fleet's greeters by name (etcd:///greeter, through the fleet's discovery, with the
 * greeter's .proto for idempotency), once it holds a READY connection to `connected` of them
 * (default: every instance). `options` adds to or overrides those.
 */
export async function greeterClient(
  fleet: GreeterFleet,
  options: Omit<CreateClientOptions, 'discovery'> & { connected?: number } = {},
): Promise<TypedClient<typeof GreeterService>> {
  const { connected = fleet.instances.length, ...clientOptions } = options;
  const client = createClient(GreeterService, 'etcd:///greeter', {
    discovery: fleet.discovery,
    protoFile: protoFile('helloworld/v1/greeter.proto'),
    ...clientOptions,
  });
  try {
    await waitConnected(client, connected);
  } catch (error) {
    client.$close();
    throw error;
  }
  return client;
}
