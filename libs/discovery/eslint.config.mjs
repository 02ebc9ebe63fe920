import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // The benchmark and the spec helpers are test tooling, not library code (tsconfig.lib.json
    // excludes src/test-support): like tests, they may start etcd via @flotilla/testing.
    files: ['bench/**/*.ts', 'src/test-support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints: [
            { sourceTag: '*', onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'] },
          ],
          allowCircularSelfDependency: true,
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
