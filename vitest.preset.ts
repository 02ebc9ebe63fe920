import swc from 'unplugin-swc';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Shared vitest settings. SWC (not esbuild) transpiles so that `emitDecoratorMetadata` works:
 * NestJS dependency injection reads that metadata.
 */
export function flotillaVitest(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    plugins: [
      swc.vite({
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
      }),
    ],
    resolve: { conditions: ['@flotilla/source', 'module', 'node', 'import', 'default'] },
    // Vitest hands ssr.resolve.conditions to the worker as `node --conditions`, which also steers
    // require(). With 'import' among them, protobufjs (under etcd3) require()s the ESM build of `long`
    // and decodes int64 lease IDs as lossy doubles. Node adds 'import' to ESM imports by itself.
    ssr: { resolve: { conditions: ['@flotilla/source', 'node', 'default'] } },
    test: {
      environment: 'node',
      globals: true,
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      passWithNoTests: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
