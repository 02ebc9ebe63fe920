import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

/** The fleet definition the fixture workspace starts with. */
export const FIXTURE_FLEET = {
  store: { members: 3 },
  services: [
    {
      name: 'greeter',
      project: 'greeter',
      main: 'apps/greeter/dist/main.js',
      instances: 3,
      port: { mode: 'free' },
      dependsOn: [],
    },
  ],
};

/**
 * An in-memory workspace shaped like Flotilla's, reduced to what the generators read: npm
 * workspaces, the root tsconfig references, @flotilla/proto's index, fleet.json, and a greeter
 * app on FlotillaModule.
 */
export function flotillaTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(
    'package.json',
    JSON.stringify({
      name: '@flotilla/source',
      private: true,
      workspaces: ['apps/*', 'libs/*', 'tools/*'],
      devDependencies: { prettier: '^3.6.0' },
    }),
  );
  // The workspace formats with Prettier (the empty workspace comes set up for oxfmt).
  tree.delete('.oxfmtrc.json');
  tree.write('.prettierrc', JSON.stringify({ singleQuote: true, printWidth: 110 }));
  tree.write('tsconfig.json', JSON.stringify({ files: [], references: [{ path: './libs/proto' }] }));
  tree.write('fleet.json', `${JSON.stringify(FIXTURE_FLEET, null, 2)}\n`);
  tree.write('libs/proto/package.json', JSON.stringify({ name: '@flotilla/proto', nx: { name: 'proto' } }));
  tree.write(
    'libs/proto/src/index.ts',
    [
      "export * from './gen/helloworld/v1/greeter.js';",
      "export { protoMetadata as greeterSchema } from './gen/helloworld/v1/greeter.js';",
      '',
    ].join('\n'),
  );
  tree.write('proto/helloworld/v1/greeter.proto', 'syntax = "proto3";\npackage helloworld.v1;\n');
  tree.write(
    'apps/greeter/package.json',
    JSON.stringify({
      name: '@flotilla/greeter',
      nx: { name: 'greeter', tags: ['scope:greeter', 'type:app'] },
    }),
  );
  tree.write(
    'apps/greeter/src/greeter.module.ts',
    `import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { greeterSchema } from '@flotilla/proto';
import { GreeterController } from './greeter.controller.js';

@Module({
  imports: [FlotillaModule.forRoot({ service: 'greeter', version: '0.0.0', schemas: [greeterSchema] })],
  controllers: [GreeterController],
})
export class GreeterModule {}
`,
  );
  tree.write(
    'apps/greeter/src/greeter.controller.ts',
    `import { RpcController } from '@flotilla/nest';
import { GreeterService, type HelloReply, type HelloRequest } from '@flotilla/proto';

@RpcController(GreeterService)
export class GreeterController {
  sayHello(request: HelloRequest): HelloReply {
    return { message: \`Hello \${request.name}\` };
  }
}
`,
  );
  return tree;
}

/** Every pending change of the tree, path → content (the in-memory workspace is all changes). */
export function snapshot(tree: Tree): Record<string, string | null> {
  return Object.fromEntries(
    tree
      .listChanges()
      .map((change) => [`${change.type} ${change.path}`, change.content?.toString('utf-8') ?? null]),
  );
}
