import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // The benchmark and the spec helpers are test tooling: like specs they may use the testing harnesses.
    files: ['bench/**/*.ts', 'src/test-support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints: [
            { sourceTag: '*', onlyDependOnLibsWithTags: ['type:testing', 'type:lib', 'type:proto'] },
          ],
          // The benchmark measures the package as users get it: through its own name, from dist.
          allowCircularSelfDependency: true,
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
