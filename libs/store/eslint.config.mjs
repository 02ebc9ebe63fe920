import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // src/testing is test tooling (the deterministic simulation of the store and its runner): like
    // specs and benchmarks it may use the testing harnesses (the linearizability checker).
    files: ['src/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['^.*/vitest\\.preset(\\.js)?$'],
          depConstraints: [
            { sourceTag: '*', onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'] },
          ],
        },
      ],
    },
  },
];
