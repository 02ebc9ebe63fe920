import { execFileSync } from 'node:child_process';
import { readJson, type Tree } from '@nx/devkit';
import { flotillaTree, snapshot } from '../../test-support/flotilla-tree.js';
import { libraryGenerator } from './library.js';

vi.mock('node:child_process', () => ({ execFileSync: vi.fn() }));

describe('library generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = flotillaTree();
    vi.mocked(execFileSync).mockClear();
  });

  it('writes a shared lib with an exports map, one public index.ts and a spec', async () => {
    await libraryGenerator(tree, { name: 'money-format', description: 'Formats amounts of money.' });
    expect(readJson(tree, 'libs/money-format/package.json')).toEqual({
      name: '@flotilla/money-format',
      version: '0.0.0',
      private: true,
      type: 'module',
      description: 'Formats amounts of money.',
      exports: {
        '.': {
          '@flotilla/source': './src/index.ts',
          types: './dist/index.d.ts',
          import: './dist/index.js',
          default: './dist/index.js',
        },
        './package.json': './package.json',
      },
      nx: { name: 'money-format', tags: ['scope:shared', 'type:lib'] },
    });
    expect(tree.read('libs/money-format/src/index.ts', 'utf-8')).toBe(
      "export { moneyFormatVersion } from './money-format.js';\n",
    );
    expect(tree.read('libs/money-format/src/money-format.spec.ts', 'utf-8')).toContain(
      "import { moneyFormatVersion } from './index.js';",
    );
    for (const file of [
      'tsconfig.json',
      'tsconfig.lib.json',
      'tsconfig.spec.json',
      'vitest.config.ts',
      'eslint.config.mjs',
      'README.md',
    ]) {
      expect(tree.exists(`libs/money-format/${file}`), file).toBe(true);
    }
    expect(readJson(tree, 'libs/money-format/tsconfig.lib.json')).toMatchObject({
      compilerOptions: { rootDir: 'src', outDir: 'dist' },
      exclude: ['src/**/*.spec.ts'],
    });
    expect(readJson(tree, 'tsconfig.json').references).toContainEqual({ path: './libs/money-format' });
  });

  it('runs npm install only in the returned callback, unless skipped', async () => {
    const callback = await libraryGenerator(tree, { name: 'money', skipFormat: true });
    expect(execFileSync).not.toHaveBeenCalled();
    await callback();
    expect(execFileSync).toHaveBeenCalledWith(
      'npm',
      ['install'],
      expect.objectContaining({ cwd: tree.root }),
    );
    vi.mocked(execFileSync).mockClear();
    await (
      await libraryGenerator(tree, { name: 'units', skipFormat: true, skipInstall: true })
    )();
    expect(execFileSync).not.toHaveBeenCalled();
  });

  describe('refuses, leaving the tree untouched', () => {
    it.each([
      ['', 'a library name is required'],
      ['Money', 'invalid library name "Money": use kebab-case'],
      ['money_format', 'invalid library name "money_format": use kebab-case'],
      ['money/format', 'invalid library name "money/format": use kebab-case'],
      ['9lives', 'invalid library name "9lives": use kebab-case'],
      ['store', 'library name "store" is reserved'],
      ['nest', 'library name "nest" is reserved'],
      ['config', 'library name "config" is reserved'],
      ['proto', 'library name "proto" is reserved'],
      ['test', 'library name "test" is reserved'],
      ['greeter', 'library name "greeter" is taken: an Nx project named "greeter" already exists'],
    ])('%j', async (name, message) => {
      const before = snapshot(tree);
      await expect(libraryGenerator(tree, { name, skipFormat: true })).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    });

    it('a name whose folder exists', async () => {
      tree.write('libs/money/notes.md', 'x');
      const before = snapshot(tree);
      await expect(libraryGenerator(tree, { name: 'money' })).rejects.toThrow(
        'library name "money" is taken: libs/money already exists',
      );
      expect(snapshot(tree)).toEqual(before);
    });

    it('a second library of the same name', async () => {
      await libraryGenerator(tree, { name: 'money', skipFormat: true });
      const before = snapshot(tree);
      await expect(libraryGenerator(tree, { name: 'money' })).rejects.toThrow(
        'library name "money" is taken',
      );
      expect(snapshot(tree)).toEqual(before);
    });

    it('a description of more than one line', async () => {
      const before = snapshot(tree);
      await expect(libraryGenerator(tree, { name: 'money', description: 'a\nb' })).rejects.toThrow(
        'description must be one line',
      );
      expect(snapshot(tree)).toEqual(before);
    });
  });
});
