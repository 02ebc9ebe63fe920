import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // The benchmark is test tooling: like specs it may use the testing harnesses.
    files: ['bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'] }],
        },
      ],
    },
  },
];
