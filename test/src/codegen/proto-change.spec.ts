import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');
const env = { ...process.env, PATH: `${BIN}:${process.env['PATH']}` };

/**
 * Editing a .proto must flow into the TypeScript types. This runs the same buf template the
 * proto:generate target runs, on a copy of proto/ with one field added, and type-checks code
 * that uses the new field against the old and the new output.
 */
describe('proto -> ts-proto codegen', () => {
  let work: string;
  beforeAll(() => {
    // Inside the repo (git-ignored tmp/) so the generated code resolves the workspace's node_modules.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    work = mkdtempSync(join(ROOT, 'tmp', 'codegen-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function generate(protoDir: string, outDir: string): Promise<void> {
    // Only the Greeter API: generating etcd's large vendored API too would only cost time here.
    await run(
      'buf',
      [
        'generate',
        protoDir,
        '--path',
        join(protoDir, 'helloworld'),
        '--template',
        join(ROOT, 'libs/proto/buf.gen.yaml'),
        '-o',
        outDir,
      ],
      { env, cwd: work },
    );
  }

  async function typecheck(genDir: string): Promise<{ ok: boolean; output: string }> {
    const user = join(genDir, 'user.ts');
    writeFileSync(
      user,
      `import type { HelloRequest } from './src/gen/helloworld/v1/greeter.js';\nexport const r: HelloRequest = { name: 'a', count: 0, locale: 'fr' };\n`,
    );
    const args = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      '--types',
      'node',
      user,
    ];
    try {
      await run(join(BIN, 'tsc'), args, { env, cwd: ROOT });
      return { ok: true, output: '' };
    } catch (error) {
      return { ok: false, output: String((error as { stdout: string }).stdout) };
    }
  }

  it('adds a new HelloRequest field to the generated types', async () => {
    const before = join(work, 'before');
    const after = join(work, 'after');
    const editedProto = join(work, 'proto');
    cpSync(join(ROOT, 'proto'), editedProto, { recursive: true });
    const file = join(editedProto, 'helloworld/v1/greeter.proto');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/(message HelloRequest \{[^}]*)\}/, '$1  string locale = 4;\n}'),
    );

    await generate(join(ROOT, 'proto'), before);
    await generate(editedProto, after);

    expect(readFileSync(join(after, 'src/gen/helloworld/v1/greeter.ts'), 'utf8')).toMatch(/locale: string/);
    const old = await typecheck(before);
    expect(old.ok).toBe(false);
    expect(old.output).toContain("'locale' does not exist in type 'HelloRequest'");
    expect(await typecheck(after)).toEqual({ ok: true, output: '' });
    // Two generations and two tsc runs: a minute on a busy 2-core machine.
  }, 120_000);

  it('wires proto:generate into Nx so that a .proto edit re-runs generation and every dependent build', async () => {
    const { stdout } = await run(join(BIN, 'nx'), ['show', 'project', 'proto', '--json'], {
      env: { ...env, NX_DAEMON: 'false' },
      cwd: ROOT,
    });
    const project = JSON.parse(stdout) as {
      targets: Record<string, { inputs?: unknown[]; outputs?: string[]; dependsOn?: unknown[] }>;
    };
    expect(project.targets['generate']?.inputs).toContain('{workspaceRoot}/proto/**/*.proto');
    expect(project.targets['generate']?.outputs).toEqual(['{projectRoot}/src/gen']);
    expect(project.targets['build']?.dependsOn).toEqual(expect.arrayContaining(['generate', '^build']));
  });

  it('reports a malformed .proto with buf file:line, not a stack trace', async () => {
    const broken = join(work, 'broken');
    cpSync(join(ROOT, 'proto'), broken, { recursive: true });
    writeFileSync(
      join(broken, 'helloworld/v1/greeter.proto'),
      'syntax = "proto3";\npackage helloworld.v1;\nmessage Oops {\n  string name = ;\n}\n',
    );
    const failure = await run('buf', ['lint', broken], { env, cwd: work }).catch(
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    const text = `${(failure as { stdout: string }).stdout}${(failure as { stderr: string }).stderr}`;
    expect(failure).toMatchObject({ code: expect.any(Number) });
    expect(text).toMatch(/helloworld\/v1\/greeter\.proto:4:\d+/);
    expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });
});
