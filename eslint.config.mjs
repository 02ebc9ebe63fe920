import nx from '@nx/eslint-plugin';

// Tests and test tooling (fixtures, spec helpers, benchmarks) may also use the testing harnesses.
const TEST_FILES = ['**/*.spec.ts', '**/fixtures/**', '**/test-support/**', '**/bench/**', 'test/**'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/out-tsc',
      '**/node_modules',
      '**/src/gen/**',
      '**/vite.config.*.timestamp*',
      '**/vitest.config.*.timestamp*',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?js$', '^.*/vitest\\.preset(\\.js)?$'],
          depConstraints: [
            { sourceTag: 'type:proto', onlyDependOnLibsWithTags: ['type:proto'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:proto'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:proto'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
            // Layers: discovery < rpc < nest. The NestJS integration builds on the libraries below
            // it; they never import it (nor discovery rpc).
            {
              sourceTag: 'scope:nest',
              onlyDependOnLibsWithTags: [
                'scope:nest',
                'scope:rpc',
                'scope:discovery',
                'scope:config',
                'scope:shared',
              ],
            },
            { sourceTag: 'scope:rpc', notDependOnLibsWithTags: ['scope:nest', 'scope:telemetry'] },
            {
              sourceTag: 'scope:discovery',
              notDependOnLibsWithTags: ['scope:nest', 'scope:rpc', 'scope:telemetry'],
            },
            {
              sourceTag: 'scope:config',
              notDependOnLibsWithTags: ['scope:nest', 'scope:rpc', 'scope:telemetry'],
            },
            // Telemetry sits on top: it fills nest's hook options (clientInterceptors, serverCallHooks,
            // logMixin) and reads its providers; nest, rpc and discovery never import it (nor the SDK).
            {
              sourceTag: 'scope:telemetry',
              onlyDependOnLibsWithTags: [
                'scope:telemetry',
                'scope:nest',
                'scope:rpc',
                'scope:discovery',
                'scope:shared',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Tests (and the fixtures they run) may also use the testing harnesses.
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['^.*/vitest\\.preset(\\.js)?$'],
          depConstraints: [
            { sourceTag: '*', onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'] },
          ],
          allowCircularSelfDependency: true,
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
];
