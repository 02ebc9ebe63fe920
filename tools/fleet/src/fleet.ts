import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  captureOutput,
  type EtcdCluster,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitForServing,
  waitFor,
  etcdGet,
} from '@flotilla/testing';
import type { FleetConfig } from './fleet-config.js';

const GREETER_KEY = 'flotilla/services/greeter/greeter-1';
const GREETER_MAIN = fileURLToPath(new URL('../../../apps/greeter/dist/main.js', import.meta.url));

export interface FleetMember {
  name: string;
  address: string;
  pid: number | undefined;
}

export interface RunningFleet {
  members: FleetMember[];
  /** Resolves with a message if a member dies on its own. */
  unexpectedExit: Promise<string>;
  stop(): Promise<void>;
}

/** Starts a single-member etcd and one greeter, and waits until both are healthy. */
export async function startFleet(config: FleetConfig, log: (line: string) => void): Promise<RunningFleet> {
  const services: { name: string; child: ChildProcess }[] = [];
  let etcd: EtcdCluster | undefined;
  let stopping = false;

  const stop = async () => {
    stopping = true;
    await Promise.all(services.map(({ child }) => stopChild(child, 'SIGTERM', 10_000)));
    await etcd?.stop();
  };

  try {
    log('starting etcd (one member, temporary data dir)...');
    etcd = await startEtcdCluster({ size: 1, startTimeoutMs: config.startTimeoutMs });
    log(`etcd started on ${etcd.endpoints[0]} (etcd pid ${etcd.members[0]?.pid})`);

    const greeterAddress = `127.0.0.1:${config.greeterPort}`;
    log(`starting greeter on ${greeterAddress}...`);
    const etcdUrl = etcd.endpoints[0] ?? '';
    const greeterArgs = [
      '--port',
      String(config.greeterPort),
      '--registry',
      etcdUrl,
      '--instance-id',
      'greeter-1',
    ];
    const greeter = spawnTracked(process.execPath, [GREETER_MAIN, ...greeterArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const greeterOutput = captureOutput(greeter);
    greeter.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix('greeter', chunk)));
    greeter.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix('greeter', chunk)));
    services.push({ name: 'greeter', child: greeter });
    const exitedEarly = new Promise<never>((_, reject) =>
      greeter.once('exit', (code) =>
        reject(new Error(`greeter exited during start-up (code ${code}):\n${greeterOutput()}`)),
      ),
    );
    // Ready means callable by name too: the greeter registers in etcd right after it is SERVING.
    const registered = async () => {
      await waitForServing(greeterAddress, config.startTimeoutMs);
      await waitFor(async () => (await etcdGet(etcdUrl, GREETER_KEY)) !== undefined, {
        timeoutMs: config.startTimeoutMs,
        what: `the greeter to register in etcd as ${GREETER_KEY}`,
      });
    };
    await Promise.race([registered(), exitedEarly]);
    exitedEarly.catch(() => undefined);

    const members: FleetMember[] = [
      { name: 'etcd', address: etcdUrl, pid: etcd.members[0]?.pid },
      { name: 'greeter', address: greeterAddress, pid: greeter.pid },
    ];
    const unexpectedExit = new Promise<string>((resolve) => {
      for (const { name, child } of services) {
        child.once('exit', (code, signal) => {
          if (!stopping) resolve(`${name} exited unexpectedly (code ${code}, signal ${signal})`);
        });
      }
    });
    return { members, unexpectedExit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function prefix(name: string, chunk: Buffer): string {
  return chunk
    .toString('utf8')
    .split('\n')
    .map((line, i, all) => (i === all.length - 1 && line === '' ? '' : `[${name}] ${line}\n`))
    .join('');
}
