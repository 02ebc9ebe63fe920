import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // The benchmark is a dev tool, not library code: like tests, it may start etcd via @flotilla/testing.
    files: ['bench/**/*.ts'],
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
    },
  },
];
