import type { NameForms } from '../../utils/names.js';

/** Everything under libs/<name>, by path relative to the workspace root. */
export function libraryFiles(names: NameForms, description: string): Record<string, string> {
  const root = `libs/${names.kebab}`;
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    [`${root}/package.json`]: json({
      name: `@flotilla/${names.kebab}`,
      version: '0.0.0',
      private: true,
      type: 'module',
      description,
      exports: {
        '.': {
          '@flotilla/source': './src/index.ts',
          types: './dist/index.d.ts',
          import: './dist/index.js',
          default: './dist/index.js',
        },
        './package.json': './package.json',
      },
      nx: { name: names.kebab, tags: ['scope:shared', 'type:lib'] },
    }),
    [`${root}/tsconfig.json`]: json({
      extends: '../../tsconfig.base.json',
      files: [],
      include: [],
      references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
    }),
    [`${root}/tsconfig.lib.json`]: json({
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo',
        types: ['node'],
      },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts'],
    }),
    [`${root}/tsconfig.spec.json`]: json({
      extends: '../../tsconfig.base.json',
      compilerOptions: { outDir: './out-tsc/vitest', types: ['vitest/globals', 'node'] },
      include: ['src/**/*.spec.ts'],
      references: [{ path: './tsconfig.lib.json' }],
    }),
    [`${root}/vitest.config.ts`]: `import { flotillaVitest } from '../../vitest.preset.js';

export default flotillaVitest();
`,
    [`${root}/eslint.config.mjs`]: `import base from '../../eslint.config.mjs';

export default [...base];
`,
    [`${root}/README.md`]: `# @flotilla/${names.kebab}

${description}

Import it from its package name (\`import { ... } from '@flotilla/${names.kebab}'\`); \`src/index.ts\` is
its only public entry point. Tagged \`scope:shared\`, \`type:lib\`: apps, libraries and tools may use it.

\`\`\`sh
npx nx run ${names.kebab}:test
npx nx run ${names.kebab}:lint
npx nx run ${names.kebab}:typecheck
\`\`\`
`,
    [`${root}/src/index.ts`]: `export { ${names.camel}Version } from './${names.kebab}.js';
`,
    [`${root}/src/${names.kebab}.ts`]: `/** A placeholder export: replace it with the library's first function. */
export function ${names.camel}Version(): string {
  return '0.0.0';
}
`,
    [`${root}/src/${names.kebab}.spec.ts`]: `import { ${names.camel}Version } from './index.js';

describe('@flotilla/${names.kebab}', () => {
  it('exports its version from the public entry point', () => {
    expect(${names.camel}Version()).toBe('0.0.0');
  });
});
`,
  };
}
