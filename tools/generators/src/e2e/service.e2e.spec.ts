import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { createClient, type ProtoSchema, type ServiceShape } from '@flotilla/rpc';
import {
  captureOutput,
  type EtcdCluster,
  freePort,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';
import { killRunningCommands, runCommand } from '../test-support/run-command.js';
import { copyWorkspace } from '../test-support/workspace-copy.js';

const WORKSPACE = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVICE = 'e2e-orders';

/**
 * The service generator as a user runs it, in a copy of this workspace: generate, build, lint,
 * typecheck, run the generated test, then start the service with the fleet's flags next to a
 * flotilla-store and call it by name through discovery.
 */
describe('nx g @flotilla/generators:service, end to end in a copy of the workspace', () => {
  let copy: string | undefined;
  let store: EtcdCluster | undefined;
  let discovery: Discovery | undefined;
  let service: ChildProcess | undefined;

  /** Runs a command in the copy; a failure shows what it printed. */
  async function inCopy(command: string, args: string[], timeoutMs = 300_000): Promise<string> {
    const result = await runCommand(command, args, { cwd: copy!, timeoutMs });
    if (result.code !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (${result.code ?? result.signal}):\n${result.output}`,
      );
    }
    return result.output;
  }

  beforeAll(() => {
    copy = copyWorkspace(WORKSPACE);
  });

  afterAll(async () => {
    killRunningCommands();
    if (service) await stopChild(service, 'SIGKILL');
    await discovery?.close();
    await store?.stop();
    if (copy) rmSync(copy, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('--dry-run lists the files and writes none; a reserved name is refused with the tree untouched', async () => {
    const dry = await inCopy('npx', [
      'nx',
      'g',
      '@flotilla/generators:service',
      'e2e-dry',
      '--no-interactive',
      '--dry-run',
    ]);
    expect(dry).toContain('CREATE apps/e2e-dry/src/main.ts');
    expect(dry).toContain('CREATE proto/e2e_dry/v1/e2e_dry.proto');
    expect(dry).toContain('UPDATE fleet.json');
    expect(existsSync(join(copy!, 'apps/e2e-dry'))).toBe(false);
    expect(existsSync(join(copy!, 'proto/e2e_dry'))).toBe(false);

    const fleetBefore = readFileSync(join(copy!, 'fleet.json'), 'utf-8');
    const refused = await runCommand(
      'npx',
      ['nx', 'g', '@flotilla/generators:service', 'store', '--no-interactive'],
      {
        cwd: copy!,
        timeoutMs: 120_000,
      },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('service name "store" is reserved');
    expect(existsSync(join(copy!, 'apps/store/src/store.module.ts'))).toBe(false);
    expect(readFileSync(join(copy!, 'fleet.json'), 'utf-8')).toBe(fleetBefore);
  }, 240_000);

  it('generates a service that lints, builds, passes its own test, and is called by name through discovery', async () => {
    await inCopy('npx', [
      'nx',
      'g',
      '@flotilla/generators:service',
      SERVICE,
      '--no-interactive',
      '--skipInstall',
    ]);
    // A client too, so the client generator's edits are compiled and linted along with the service.
    await inCopy('npx', [
      'nx',
      'g',
      '@flotilla/generators:client',
      'greeter',
      '--in',
      SERVICE,
      '--no-interactive',
    ]);
    const fleet = JSON.parse(readFileSync(join(copy!, 'fleet.json'), 'utf-8')) as {
      services: { name: string }[];
    };
    expect(fleet.services.at(-1)).toEqual({
      name: SERVICE,
      project: SERVICE,
      main: `apps/${SERVICE}/dist/main.js`,
      instances: 1,
      port: { mode: 'free' },
      dependsOn: [],
    });

    await inCopy('npm', ['run', 'buf:lint']);
    await inCopy('npx', [
      'prettier',
      '--check',
      `apps/${SERVICE}`,
      'proto',
      'libs/proto/src/index.ts',
      'fleet.json',
    ]);
    const run = await inCopy(
      'npx',
      ['nx', 'run-many', '-t', 'build', 'lint', 'typecheck', 'test', '-p', SERVICE, '--outputStyle=static'],
      900_000,
    );
    // The generated specs ran: the controller's and the one against flotilla-store.
    expect(run).toMatch(/Test Files\s+2 passed/);

    // As the fleet starts an instance (its flags), next to a flotilla-store.
    store = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: store.endpoints });
    service = spawnTracked(process.execPath, [
      join(copy!, `apps/${SERVICE}/dist/main.js`),
      '--host',
      '127.0.0.1',
      '--port',
      String(await freePort()),
      '--service-name',
      SERVICE,
      '--instance-id',
      `${SERVICE}-1`,
      '--registry',
      store.endpoints.join(','),
    ]);
    const output = captureOutput(service);
    await waitFor(async () => (await discovery!.list(SERVICE)).length === 1, {
      timeoutMs: 20_000,
      what: `${SERVICE} to register:\n${output()}`,
    });

    // The copy's @flotilla/proto, built with the new service's generated code.
    const proto = (await import(pathToFileURL(join(copy!, 'libs/proto/dist/index.js')).href)) as Record<
      string,
      unknown
    >;
    const definition = (proto['e2eOrdersV1'] as Record<string, ServiceShape>)['E2eOrdersService']!;
    const client = createClient(definition, `etcd:///${SERVICE}`, {
      discovery,
      schemas: [proto['e2eOrdersSchema'] as ProtoSchema],
    }) as unknown as { echo(request: { text: string }): Promise<{ text: string }>; $close(): void };
    try {
      expect(await client.echo({ text: 'through discovery' })).toEqual({ text: 'through discovery' });
    } finally {
      client.$close();
    }
  }, 1_200_000);
});
