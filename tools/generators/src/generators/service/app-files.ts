import type { NameForms } from '../../utils/names.js';
import type { ProtoExports } from '../../utils/proto-index.js';
import { protoPath, protoServiceName } from './proto-file.js';

/** Everything under apps/<name>, by path relative to the workspace root. */
export function appFiles(names: NameForms, proto: ProtoExports): Record<string, string> {
  const root = `apps/${names.kebab}`;
  return {
    [`${root}/package.json`]: packageJson(names),
    [`${root}/tsconfig.json`]: tsconfigJson(),
    [`${root}/tsconfig.lib.json`]: tsconfigLibJson(),
    [`${root}/tsconfig.spec.json`]: tsconfigSpecJson(),
    [`${root}/vitest.config.ts`]: vitestConfig(),
    [`${root}/eslint.config.mjs`]: eslintConfig(),
    [`${root}/README.md`]: readme(names),
    [`${root}/src/main.ts`]: mainTs(names),
    [`${root}/src/index.ts`]: indexTs(names),
    [`${root}/src/${names.kebab}.module.ts`]: moduleTs(names, proto),
    [`${root}/src/${names.kebab}.controller.ts`]: controllerTs(names, proto),
    [`${root}/src/${names.kebab}.controller.spec.ts`]: controllerSpecTs(names),
    [`${root}/src/${names.kebab}.spec.ts`]: discoverySpecTs(names, proto),
  };
}

function packageJson(names: NameForms): string {
  const json = {
    name: `@flotilla/${names.kebab}`,
    version: '0.0.0',
    private: true,
    type: 'module',
    description: `The ${names.kebab} service (${protoServiceName(names)}) on @flotilla/nest.`,
    exports: {
      '.': {
        '@flotilla/source': './src/index.ts',
        types: './dist/index.d.ts',
        import: './dist/index.js',
        default: './dist/index.js',
      },
      './package.json': './package.json',
    },
    bin: { [`flotilla-${names.kebab}`]: './dist/main.js' },
    scripts: { start: 'node dist/main.js' },
    dependencies: {
      '@flotilla/nest': '*',
      '@flotilla/proto': '*',
      '@flotilla/telemetry': '*',
      '@grpc/grpc-js': '1.14.7',
      '@nestjs/common': '^12.0.0',
      '@nestjs/core': '^12.0.0',
      '@nestjs/microservices': '^12.0.0',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.2',
    },
    devDependencies: {
      '@flotilla/discovery': '*',
      '@flotilla/rpc': '*',
      '@flotilla/testing': '*',
    },
    nx: {
      name: names.kebab,
      tags: [`scope:${names.kebab}`, 'type:app'],
      // Its spec runs against flotilla-store (apps/store), which must be built first.
      implicitDependencies: ['store-server'],
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function tsconfigJson(): string {
  return `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      files: [],
      include: [],
      references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
    },
    null,
    2,
  )}\n`;
}

function tsconfigLibJson(): string {
  const libs = ['proto', 'nest', 'telemetry', 'testing', 'rpc', 'discovery'];
  return `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo',
        types: ['node'],
      },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts'],
      references: libs.map((lib) => ({ path: `../../libs/${lib}/tsconfig.lib.json` })),
    },
    null,
    2,
  )}\n`;
}

function tsconfigSpecJson(): string {
  return `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { outDir: './out-tsc/vitest', types: ['vitest/globals', 'node'] },
      include: ['src/**/*.spec.ts'],
      references: [{ path: './tsconfig.lib.json' }],
    },
    null,
    2,
  )}\n`;
}

function vitestConfig(): string {
  return `import { flotillaVitest } from '../../vitest.preset.js';

export default flotillaVitest({ testTimeout: 60_000 });
`;
}

function eslintConfig(): string {
  return `import base from '../../eslint.config.mjs';

export default [...base];
`;
}

function readme(names: NameForms): string {
  const n = names.kebab;
  return `# ${n}

The \`${n}\` service: \`${protoServiceName(names)}\` (\`${protoPath(names)}\`) served by a NestJS
application on \`FlotillaModule\` (\`@flotilla/nest\`). Scaffolded by \`nx g @flotilla/generators:service ${n}\`.

| file                          | what                                                                   |
| ----------------------------- | ---------------------------------------------------------------------- |
| \`src/main.ts\`                 | the process: flags, registration and graceful shutdown from @flotilla/nest |
| \`src/${n}.module.ts\`     | the Nest module: \`FlotillaModule.forRoot\` and the controller           |
| \`src/${n}.controller.ts\` | one handler per method of the proto service, checked when compiled     |
| \`src/${n}.controller.spec.ts\` | the controller alone                                           |
| \`src/${n}.spec.ts\`       | starts the built service against flotilla-store, calls it by name      |

Change the API in the \`.proto\` file; \`npm run generate\` (also run before every build) regenerates
the TypeScript in \`@flotilla/proto\`, and the controller stops compiling until it matches.

\`\`\`sh
npx nx run ${n}:build
npx nx run ${n}:test
node apps/${n}/dist/main.js --port 0 --registry http://127.0.0.1:2379   # --help lists every flag
\`\`\`

It is in the fleet definition (\`fleet.json\`), so \`npm run fleet\` starts it. Call it from another
service with \`nx g @flotilla/generators:client ${n} --in <app>\`.
`;
}

function mainTs(names: NameForms): string {
  return `#!/usr/bin/env node
import { runMicroservice } from '@flotilla/nest';
import { FlotillaTelemetryModule, startTelemetry } from '@flotilla/telemetry';
import { ${names.constant}_VERSION, ${names.pascal}Module } from './${names.kebab}.module.js';

// Exports only what the environment asks for (Prometheus on FLOTILLA_METRICS_PORT, OTLP on OTEL_*).
await startTelemetry({ serviceName: '${names.kebab}', serviceVersion: ${names.constant}_VERSION });
// Flags, FLOTILLA_* env vars, registration and graceful shutdown: @flotilla/nest (--help lists them).
await runMicroservice({ module: ${names.pascal}Module, imports: [FlotillaTelemetryModule] });
`;
}

function indexTs(names: NameForms): string {
  return `export { ${names.pascal}Module, ${names.constant}_VERSION } from './${names.kebab}.module.js';
export { ${names.pascal}Controller } from './${names.kebab}.controller.js';
`;
}

function moduleTs(names: NameForms, proto: ProtoExports): string {
  return `import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { ${proto.schema} } from '@flotilla/proto';
import { ${names.pascal}Controller } from './${names.kebab}.controller.js';

/** Reported in the registration metadata. */
export const ${names.constant}_VERSION = '0.0.0';

@Module({
  imports: [
    FlotillaModule.forRoot({ service: '${names.kebab}', version: ${names.constant}_VERSION, schemas: [${proto.schema}] }),
  ],
  controllers: [${names.pascal}Controller],
})
export class ${names.pascal}Module {}
`;
}

function controllerTs(names: NameForms, proto: ProtoExports): string {
  const ns = proto.namespace;
  return `import { RpcController, ValidationError } from '@flotilla/nest';
import { ${ns} } from '@flotilla/proto';

const MAX_TEXT_LENGTH = 256;

/** ${protoServiceName(names)}: one handler per method of the proto service, checked against it when compiled. */
@RpcController(${proto.definition})
export class ${names.pascal}Controller {
  echo(request: ${ns}.EchoRequest): ${ns}.EchoResponse {
    if (!request.text) throw new ValidationError('text is required', { reason: 'TEXT_REQUIRED' });
    if (request.text.length > MAX_TEXT_LENGTH) {
      const message = \`text must be at most \${MAX_TEXT_LENGTH} characters, got \${request.text.length}\`;
      throw new ValidationError(message, { reason: 'TEXT_TOO_LONG' });
    }
    return { text: request.text };
  }
}
`;
}

function controllerSpecTs(names: NameForms): string {
  return `import { ValidationError } from '@flotilla/nest';
import { ${names.pascal}Controller } from './${names.kebab}.controller.js';

describe('${names.pascal}Controller', () => {
  const controller = new ${names.pascal}Controller();

  it('echoes the text', () => {
    expect(controller.echo({ text: 'hi' })).toEqual({ text: 'hi' });
  });

  it.each([
    ['', 'text is required'],
    ['x'.repeat(257), 'text must be at most 256 characters, got 257'],
  ])('refuses %j with a ValidationError (INVALID_ARGUMENT)', (text, message) => {
    expect(() => controller.echo({ text })).toThrow(ValidationError);
    expect(() => controller.echo({ text })).toThrow(message);
  });
});
`;
}

function discoverySpecTs(names: NameForms, proto: ProtoExports): string {
  const n = names.kebab;
  return `import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { createDiscovery, type Discovery } from '@flotilla/discovery';
import { ${proto.namespace}, ${proto.schema} } from '@flotilla/proto';
import { createClient } from '@flotilla/rpc';
import {
  captureOutput,
  type EtcdCluster,
  freePort,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
} from '@flotilla/testing';

// The build output, run with plain Node as the fleet runs it.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('${n} (the built service, registered in flotilla-store, called by name through discovery)', () => {
  let store: EtcdCluster | undefined;
  let discovery: Discovery | undefined;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    store = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: store.endpoints });
    const port = await freePort();
    child = spawnTracked(process.execPath, [
      MAIN,
      '--port',
      String(port),
      '--registry',
      store.endpoints.join(','),
      '--instance-id',
      '${n}-spec',
    ]);
    const output = captureOutput(child);
    await waitFor(async () => (await discovery!.list('${n}')).length === 1, {
      timeoutMs: 15_000,
      what: \`${n} to register:\\n\${output()}\`,
    });
  });

  afterAll(async () => {
    if (child) await stopChild(child, 'SIGKILL');
    await discovery?.close();
    await store?.stop();
  });

  it('registers under its service name and answers Echo through etcd:///${n}', async () => {
    expect((await discovery!.list('${n}')).map((endpoint) => endpoint.instanceId)).toEqual(['${n}-spec']);
    const client = createClient(${proto.definition}, 'etcd:///${n}', { discovery, schemas: [${proto.schema}] });
    try {
      expect(await client.echo({ text: 'hello' })).toEqual({ text: 'hello' });
      await expect(client.echo({})).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: 'text is required' });
    } finally {
      client.$close();
    }
  });
});
`;
}
