import type { Tree } from '@nx/devkit';
import { flotillaTree, snapshot } from '../../test-support/flotilla-tree.js';
import { serviceGenerator } from '../service/service.js';
import { clientGenerator } from './client.js';

/** An app on FlotillaModule that serves nothing yet and calls nothing. */
function addFrontApp(tree: Tree): void {
  tree.write('apps/front/package.json', JSON.stringify({ name: '@flotilla/front', nx: { name: 'front' } }));
  tree.write(
    'apps/front/src/front.module.ts',
    `import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';

@Module({
  imports: [FlotillaModule.forRoot({ service: 'front' })],
})
export class FrontModule {}
`,
  );
}

describe('client generator', () => {
  let tree: Tree;
  beforeEach(async () => {
    tree = flotillaTree();
    addFrontApp(tree);
  });

  it('registers the client, the schemas and a provider with the injected client in the app', async () => {
    await clientGenerator(tree, { service: 'greeter', in: 'front' });
    expect(tree.read('apps/front/src/front.module.ts', 'utf-8'))
      .toBe(`import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { GreeterCaller } from './greeter.caller.js';

@Module({
  imports: [
    FlotillaModule.forRoot({ service: 'front', schemas: [greeterSchema] }),
    FlotillaModule.forClients([{ service: GreeterService, name: 'greeter' }]),
  ],
  providers: [GreeterCaller],
})
export class FrontModule {}
`);
    const caller = tree.read('apps/front/src/greeter.caller.ts', 'utf-8')!;
    expect(caller).toContain("import { GreeterService } from '@flotilla/proto';");
    expect(caller).toContain('export class GreeterCaller {');
    expect(caller).toContain(
      '@InjectClient(GreeterService) readonly greeter: FlotillaClient<typeof GreeterService>',
    );
    expect(tree.read('apps/front/package.json', 'utf-8')).toContain('"@flotilla/proto": "*"');
  });

  it('adds a generated service to an app that already has clients and proto imports', async () => {
    await serviceGenerator(tree, { name: 'order-history', skipFormat: true });
    await clientGenerator(tree, { service: 'greeter', in: 'front' });
    await clientGenerator(tree, { service: 'order-history', in: 'front' });
    const module = tree.read('apps/front/src/front.module.ts', 'utf-8')!;
    expect(module).toContain(
      "import { GreeterService, greeterSchema, orderHistoryV1, orderHistorySchema } from '@flotilla/proto';",
    );
    expect(module).toContain('schemas: [greeterSchema, orderHistorySchema]');
    expect(module).toContain("{ service: orderHistoryV1.OrderHistoryService, name: 'order-history' }");
    expect(module).toMatch(
      /FlotillaModule\.forClients\(\[\s*\{ service: GreeterService, name: 'greeter' \},\s*\{ service: orderHistoryV1/,
    );
    expect(module).toContain('providers: [GreeterCaller, OrderHistoryCaller]');
    expect(module).toContain("import { OrderHistoryCaller } from './order-history.caller.js';");
    expect(tree.read('apps/front/src/order-history.caller.ts', 'utf-8')).toContain(
      '@InjectClient(orderHistoryV1.OrderHistoryService)',
    );
  });

  it('gives a service app a client of another service, keeping its own schema and imports', async () => {
    await serviceGenerator(tree, { name: 'orders', skipFormat: true });
    await clientGenerator(tree, { service: 'orders', in: 'greeter' });
    const module = tree.read('apps/greeter/src/greeter.module.ts', 'utf-8')!;
    expect(module).toContain("import { greeterSchema, ordersV1, ordersSchema } from '@flotilla/proto';");
    expect(module).toContain('schemas: [greeterSchema, ordersSchema]');
    expect(module).toContain('controllers: [GreeterController],\n  providers: [OrdersCaller],');
  });

  describe('refuses, leaving the tree untouched', () => {
    it.each([
      [{ service: 'billing', in: 'front' }, 'service "billing" not found: no Nx project named "billing"'],
      [{ service: 'greeter', in: 'backend' }, 'app "backend" not found: no Nx project named "backend"'],
      [
        { service: 'Greeter', in: 'front' },
        'invalid service "Greeter": expected the kebab-case name of an Nx project',
      ],
      [
        { service: 'greeter', in: '' },
        'invalid app (--in) "": expected the kebab-case name of an Nx project',
      ],
      [{ service: 'greeter', in: 'greeter' }, '"greeter" cannot get a client of itself'],
      [
        { service: 'front', in: 'greeter' },
        'service "front" serves nothing a client can call: no @RpcController(<definition from @flotilla/proto>) in apps/front/src',
      ],
      [
        { service: 'greeter', in: 'proto' },
        'app "proto" (libs/proto) is not an app on @flotilla/nest: expected one FlotillaModule.forRoot({ ... }) call in its src/, found 0',
      ],
    ])('%j', async (options, message) => {
      const before = snapshot(tree);
      await expect(clientGenerator(tree, options)).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    });

    it('a client the app already registers in another of its modules', async () => {
      tree.write(
        'apps/front/src/greeter-client.module.ts',
        `import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { GreeterService } from '@flotilla/proto';

@Module({ imports: [FlotillaModule.forClients([{ service: GreeterService }])] })
export class GreeterClientModule {}
`,
      );
      const before = snapshot(tree);
      await expect(clientGenerator(tree, { service: 'greeter', in: 'front' })).rejects.toThrow(
        'apps/front already has a client of GreeterService (apps/front/src/greeter-client.module.ts)',
      );
      expect(snapshot(tree)).toEqual(before);
    });

    it('a client the app already has', async () => {
      await clientGenerator(tree, { service: 'greeter', in: 'front' });
      const before = snapshot(tree);
      await expect(clientGenerator(tree, { service: 'greeter', in: 'front' })).rejects.toThrow(
        'apps/front already has a client of GreeterService (apps/front/src/front.module.ts)',
      );
      expect(snapshot(tree)).toEqual(before);
    });
  });
});
