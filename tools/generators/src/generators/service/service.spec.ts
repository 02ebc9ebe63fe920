import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger, readJson, type Tree } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { FIXTURE_FLEET, flotillaTree, snapshot } from '../../test-support/flotilla-tree.js';
import { serviceGenerator } from './service.js';

vi.mock('node:child_process', () => ({ execFileSync: vi.fn() }));

const quiet = { skipFormat: true };

describe('service generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = flotillaTree();
    vi.mocked(execFileSync).mockClear();
  });

  it('writes the proto, the app, its specs, the proto exports, the tsconfig reference and the fleet entry', async () => {
    await serviceGenerator(tree, { name: 'orders', ...quiet });

    const proto = tree.read('proto/orders/v1/orders.proto', 'utf-8')!;
    expect(proto).toContain('package orders.v1;');
    expect(proto).toContain('service Orders {');
    expect(proto).toMatch(
      /rpc Echo\(EchoRequest\) returns \(EchoResponse\) \{\s+option idempotency_level = IDEMPOTENT;/,
    );

    const index = tree.read('libs/proto/src/index.ts', 'utf-8')!;
    expect(index).toContain("export * as ordersV1 from './gen/orders/v1/orders.js';");
    expect(index).toContain("export { protoMetadata as ordersSchema } from './gen/orders/v1/orders.js';");
    expect(index).toContain(
      "export { protoMetadata as greeterSchema } from './gen/helloworld/v1/greeter.js';",
    );

    for (const file of [
      'package.json',
      'tsconfig.json',
      'tsconfig.lib.json',
      'tsconfig.spec.json',
      'vitest.config.ts',
      'eslint.config.mjs',
      'README.md',
      'src/main.ts',
      'src/index.ts',
      'src/orders.module.ts',
      'src/orders.controller.ts',
      'src/orders.controller.spec.ts',
      'src/orders.spec.ts',
    ]) {
      expect(tree.exists(`apps/orders/${file}`), file).toBe(true);
    }
    const main = tree.read('apps/orders/src/main.ts', 'utf-8')!;
    expect(main.trimEnd().split('\n').length).toBeLessThanOrEqual(10);
    expect(main).toContain(
      'await runMicroservice({ module: OrdersModule, imports: [FlotillaTelemetryModule] });',
    );
    expect(main).toContain(
      "await startTelemetry({ serviceName: 'orders', serviceVersion: ORDERS_VERSION });",
    );
    expect(tree.read('apps/orders/src/orders.module.ts', 'utf-8')).toContain(
      "FlotillaModule.forRoot({ service: 'orders', version: ORDERS_VERSION, schemas: [ordersSchema] })",
    );
    expect(tree.read('apps/orders/src/orders.controller.ts', 'utf-8')).toContain(
      '@RpcController(ordersV1.OrdersService)',
    );
    const spec = tree.read('apps/orders/src/orders.spec.ts', 'utf-8')!;
    expect(spec).toContain("startEtcdCluster({ binary: 'flotilla-store', size: 1 })");
    expect(spec).toContain("'etcd:///orders'");

    const pkg = readJson(tree, 'apps/orders/package.json');
    expect(pkg).toMatchObject({
      name: '@flotilla/orders',
      type: 'module',
      nx: { name: 'orders', tags: ['scope:orders', 'type:app'], implicitDependencies: ['store-server'] },
      exports: { '.': { '@flotilla/source': './src/index.ts', import: './dist/index.js' } },
    });
    expect(readJson(tree, 'tsconfig.json').references).toEqual([
      { path: './libs/proto' },
      { path: './apps/orders' },
    ]);

    expect(readJson(tree, 'fleet.json')).toEqual({
      ...FIXTURE_FLEET,
      services: [
        ...FIXTURE_FLEET.services,
        {
          name: 'orders',
          project: 'orders',
          main: 'apps/orders/dist/main.js',
          instances: 1,
          port: { mode: 'free' },
          dependsOn: [],
        },
      ],
    });
  });

  it('spells a multi-word name as buf and TypeScript want it', async () => {
    await serviceGenerator(tree, { name: 'order-history', instances: 2, ...quiet });
    expect(tree.read('proto/order_history/v1/order_history.proto', 'utf-8')).toContain(
      'package order_history.v1;\n',
    );
    expect(tree.read('proto/order_history/v1/order_history.proto', 'utf-8')).toContain(
      'service OrderHistory {',
    );
    expect(tree.read('libs/proto/src/index.ts', 'utf-8')).toContain(
      "export * as orderHistoryV1 from './gen/order_history/v1/order_history.js';",
    );
    expect(tree.read('apps/order-history/src/order-history.module.ts', 'utf-8')).toContain(
      "service: 'order-history', version: ORDER_HISTORY_VERSION, schemas: [orderHistorySchema]",
    );
    expect(readJson(tree, 'fleet.json').services.at(-1)).toMatchObject({
      name: 'order-history',
      instances: 2,
    });
  });

  it('formats what it writes with the workspace Prettier', async () => {
    await serviceGenerator(tree, { name: 'a-rather-long-service-name' });
    // Over the 110-column line width: Prettier puts forRoot's options on lines of their own.
    expect(
      tree.read('apps/a-rather-long-service-name/src/a-rather-long-service-name.module.ts', 'utf-8'),
    ).toMatch(/forRoot\(\{\n\s+service: 'a-rather-long-service-name',\n/);
  });

  it('skips the fleet entry with a warning when there is no fleet.json, and writes the rest', async () => {
    tree.delete('fleet.json');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await serviceGenerator(tree, { name: 'orders', ...quiet });
      expect(warn).toHaveBeenCalledWith(
        'fleet.json not found: skipped adding "orders" to the fleet definition',
      );
      expect(tree.exists('fleet.json')).toBe(false);
      expect(tree.exists('apps/orders/src/main.ts')).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('--dry-run: on a tree over a real workspace, nothing reaches the disk until Nx flushes the changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-generators-dry-run-'));
    try {
      flushChanges(dir, flotillaTree().listChanges());
      const onDisk = new FsTree(dir, false);
      await serviceGenerator(onDisk, { name: 'orders', ...quiet });
      // What `nx g --dry-run` prints, and then drops.
      expect(onDisk.listChanges().map((change) => `${change.type} ${change.path}`)).toEqual(
        expect.arrayContaining([
          'CREATE apps/orders/src/main.ts',
          'CREATE proto/orders/v1/orders.proto',
          'UPDATE fleet.json',
        ]),
      );
      expect(existsSync(join(dir, 'apps/orders'))).toBe(false);
      expect(existsSync(join(dir, 'proto/orders'))).toBe(false);
      expect(readJson(new FsTree(dir, false), 'fleet.json')).toEqual(FIXTURE_FLEET);
      // Without --dry-run Nx writes them.
      flushChanges(dir, onDisk.listChanges());
      expect(existsSync(join(dir, 'apps/orders/src/main.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs npm install and proto generation only in the returned callback (never on --dry-run)', async () => {
    const callback = await serviceGenerator(tree, { name: 'orders', ...quiet });
    expect(execFileSync).not.toHaveBeenCalled();
    await callback();
    expect(vi.mocked(execFileSync).mock.calls.map(([command, args]) => [command, ...(args ?? [])])).toEqual([
      ['npm', 'install'],
      ['npx', 'nx', 'run', 'proto:generate', '--outputStyle=static'],
    ]);
  });

  it('skips the post-steps it is told to skip', async () => {
    const callback = await serviceGenerator(tree, {
      name: 'orders',
      skipInstall: true,
      skipGenerate: true,
      ...quiet,
    });
    await callback();
    expect(execFileSync).not.toHaveBeenCalled();
  });

  describe('refuses, leaving the tree untouched', () => {
    it.each([
      ['', 'a service name is required, e.g. "orders"'],
      ['Orders', 'invalid service name "Orders": use kebab-case'],
      ['order_history', 'invalid service name "order_history": use kebab-case'],
      ['orderHistory', 'invalid service name "orderHistory": use kebab-case'],
      ['1orders', 'invalid service name "1orders": use kebab-case'],
      ['-orders', 'invalid service name "-orders": use kebab-case'],
      ['orders-', 'invalid service name "orders-": use kebab-case'],
      ['order--history', 'invalid service name "order--history": use kebab-case'],
      ['orders!', 'invalid service name "orders!": use kebab-case'],
      ['a'.repeat(41), `invalid service name "${'a'.repeat(41)}": at most 40 characters, got 41`],
      ['store', 'service name "store" is reserved'],
      ['nest', 'service name "nest" is reserved'],
      ['config', 'service name "config" is reserved'],
      ['proto', 'service name "proto" is reserved'],
      ['test', 'service name "test" is reserved'],
      ['greeter', 'service name "greeter" is taken: an Nx project named "greeter" already exists'],
    ])('%j', async (name, message) => {
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name, ...quiet })).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    });

    const taken: [string, (tree: Tree) => void, string][] = [
      [
        'a folder apps/<name>',
        (t) => t.write('apps/order-history/notes.md', 'x'),
        'apps/order-history already exists',
      ],
      [
        'a folder libs/<name>',
        (t) => t.write('libs/order-history/notes.md', 'x'),
        'libs/order-history already exists',
      ],
      [
        'a proto folder',
        (t) => t.write('proto/order_history/v1/x.proto', 'syntax = "proto3";'),
        'proto/order_history already exists',
      ],
      [
        'an export of @flotilla/proto',
        (t) => t.write('libs/proto/src/index.ts', 'export const orderHistorySchema = 1;\n'),
        '@flotilla/proto already exports "orderHistorySchema"',
      ],
      [
        'a fleet.json service',
        (t) => t.write('fleet.json', JSON.stringify({ services: [{ name: 'order-history' }] })),
        'fleet.json already has a service "order-history"',
      ],
      [
        'a broken fleet.json',
        (t) => t.write('fleet.json', '{ "services": ['),
        'fleet.json is not valid JSON',
      ],
      [
        'a fleet.json without services',
        (t) => t.write('fleet.json', '{}'),
        'fleet.json has no "services" array',
      ],
    ];
    it.each(taken)('a name already used by %s', async (_what, arrange, message) => {
      arrange(tree);
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name: 'order-history', ...quiet })).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    });

    it('a second service of the same name', async () => {
      await serviceGenerator(tree, { name: 'orders', ...quiet });
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name: 'orders', ...quiet })).rejects.toThrow(
        'service name "orders" is taken',
      );
      expect(snapshot(tree)).toEqual(before);
    });

    it('an instance count below 1', async () => {
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name: 'orders', instances: 0, ...quiet })).rejects.toThrow(
        'instances must be a whole number of at least 1, got 0',
      );
      expect(snapshot(tree)).toEqual(before);
    });
  });
});
