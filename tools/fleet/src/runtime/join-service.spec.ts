import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FleetDefinitionInput, parseFleetDefinition } from '../definition/fleet-definition.js';
import { ControlError } from './control-errors.js';
import { buildNewService, readNewService } from './join-service.js';

const service = (name: string, dependsOn: string[] = []) => ({
  name,
  project: name,
  main: `apps/${name}/dist/main.js`,
  instances: 1,
  port: { mode: 'free' as const },
  dependsOn,
});

/** What the fleet started with: a translator and a greeter. */
const running = parseFleetDefinition({
  store: { members: 1 },
  services: [service('translator'), service('greeter', ['translator'])],
});

describe('a service that joins a running fleet from the definition file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-join-'));
    file = join(dir, 'fleet.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (definition: FleetDefinitionInput | string) =>
    writeFileSync(file, typeof definition === 'string' ? definition : JSON.stringify(definition));
  const refusal = (fn: () => unknown): ControlError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ControlError) return error;
      throw error;
    }
    throw new Error('expected a ControlError');
  };

  it('reads the new service from the file, validated, with the defaults filled in', () => {
    write({ store: { members: 1 }, services: [...running.services, service('orders', ['greeter'])] });
    expect(readNewService('orders', running, file)).toEqual({
      ...service('orders', ['greeter']),
      kind: 'grpc',
      env: {},
    });
  });

  it('a name in neither the fleet nor the file: 404, naming both and how to add it', () => {
    write({ store: { members: 1 }, services: [...running.services, service('orders')] });
    const error = refusal(() => readNewService('billing', running, file));
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      `no service "billing" in this fleet (it has translator, greeter) nor in ${file}: ` +
        'add it there (npx nx g @flotilla/generators:service billing does), then scale it',
    );
  });

  it('a file with mistakes: 409 with every mistake, as at start-up', () => {
    write({ store: { members: 1 }, services: [service('orders'), { ...service('orders'), instances: 0 }] });
    const error = refusal(() => readNewService('orders', running, file));
    expect(error.status).toBe(409);
    expect(error.message).toContain(
      `"orders" is not a service of this fleet, and ${file}, read again for it`,
    );
    expect(error.message).toContain('services.1.instances:');
    expect(error.message).toContain('services.1.name: "orders" is listed twice');

    write('{ "services": [');
    expect(refusal(() => readNewService('orders', running, file)).message).toContain('is not valid JSON');
  });

  it('a dependency the fleet does not run yet: 409, saying to scale it first', () => {
    write({
      store: { members: 1 },
      services: [...running.services, service('payments'), service('orders', ['payments'])],
    });
    const error = refusal(() => readNewService('orders', running, file));
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      '"orders" depends on payments, which this fleet does not run: scale payments up first',
    );
  });

  it('with --no-build, its entry point must exist', async () => {
    const [orders] = parseFleetDefinition({ services: [service('orders')] }).services;
    await expect(buildNewService(orders!, false, file)).rejects.toThrow(
      /^orders: apps\/orders\/dist\/main\.js does not exist; build it with npx nx run orders:build/,
    );
    // Any file that exists under the repository root passes the check.
    await expect(buildNewService({ ...orders!, main: 'package.json' }, false, file)).resolves.toBeUndefined();
  });
});
