import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureOutput, spawnTracked, stopChild, waitFor } from '@flotilla/testing';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, DirLock } from './dir-lock.js';
import { FileStorage } from './file-storage.js';
import { makeEntries } from './storage-contract.js';
import { escapeRegExp, FileStorageKit, segmentsOf } from './test-support/file-storage-kit.js';

const kit = new FileStorageKit();
const children: ChildProcess[] = [];
const locks: DirLock[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) await stopChild(c, 'SIGKILL');
  for (const l of locks.splice(0)) await l.release();
  await kit.cleanup();
});

/** dir-lock.ts as plain JavaScript, so that a child `node` can load it without a TS loader. */
async function transpiledDirLock(): Promise<string> {
  const source = await readFile(new URL('./dir-lock.ts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const path = join(await kit.tempDir(), 'dir-lock.mjs');
  await writeFile(path, outputText);
  return path;
}

/** A child process that takes the lock on `dir` and holds it until it is killed. */
async function childHolding(dir: string, platform: NodeJS.Platform): Promise<ChildProcess> {
  const script = `
    const { DirLock } = await import(process.argv[1]);
    await DirLock.acquire(process.argv[2], process.argv[3]);
    console.log('locked');
    setInterval(() => undefined, 60_000);`;
  const module = pathToFileURL(await transpiledDirLock()).href;
  const child = spawnTracked(process.execPath, ['--input-type=module', '-e', script, module, dir, platform]);
  children.push(child);
  const output = captureOutput(child);
  await waitFor(() => output().includes('locked') || child.exitCode !== null, {
    timeoutMs: 10_000,
    what: 'the child to take the lock',
  });
  expect(output()).toContain('locked');
  return child;
}

function lockedMessage(dir: string, pid: number): RegExp {
  return new RegExp(`^DataDirLockedError: raft data dir ${escapeRegExp(dir)} is in use by process ${pid}$`);
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('data dir lock', () => {
  it('refuses a second open in the same process, naming the dir and the holder; close releases it', async () => {
    const dir = await kit.tempDir();
    const s = await kit.open(dir);
    await s.append(makeEntries(1, 2, 1));
    const err = await errorOf(FileStorage.open(dir));
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect(String(err)).toMatch(lockedMessage(dir, process.pid));
    expect((err as DataDirLockedError).holderPid).toBe(process.pid);
    // The refused open touched nothing.
    expect(await segmentsOf(dir)).toHaveLength(1);
    await kit.closeAll();
    expect(await (await kit.open(dir)).lastIndex()).toBe(2);
  });

  it('locks directories, not names: another path to the same dir is refused, another dir is not', async () => {
    const dir = await kit.tempDir();
    await kit.open(dir);
    await expect(FileStorage.open(join(dir, '..', dir.split('/').at(-1)!, '.'))).rejects.toThrow(
      DataDirLockedError,
    );
    await kit.open(await kit.tempDir());
  });

  it('an open that fails releases the lock', async () => {
    const dir = await kit.tempDir();
    await kit.open(dir, { clusterId: 'a' });
    await kit.closeAll();
    await expect(FileStorage.open(dir, { clusterId: 'b' })).rejects.toThrow(/belongs to cluster a/);
    await kit.open(dir, { clusterId: 'a' });
  });

  it.runIf(process.platform === 'linux')(
    'keeps out a second process, and does not outlive a holder killed with SIGKILL',
    async () => {
      const dir = await kit.tempDir();
      const child = await childHolding(dir, 'linux');
      const err = await errorOf(FileStorage.open(dir));
      expect(String(err)).toMatch(lockedMessage(dir, child.pid!));
      await stopChild(child, 'SIGKILL');
      const s = await kit.open(dir);
      await s.append(makeEntries(1, 1, 1));
      // And now the child would be the one kept out.
      const err2 = await errorOf(DirLock.acquire(dir, 'linux'));
      expect(String(err2)).toMatch(lockedMessage(dir, process.pid));
    },
  );

  it('with a socket file (platforms without abstract sockets), removes the file a killed holder left', async () => {
    const dir = await kit.tempDir();
    const child = await childHolding(dir, 'darwin');
    const err = await errorOf(DirLock.acquire(dir, 'darwin'));
    expect(String(err)).toMatch(lockedMessage(dir, child.pid!));
    await stopChild(child, 'SIGKILL');
    const lock = await DirLock.acquire(dir, 'darwin');
    locks.push(lock);
    expect(String(await errorOf(DirLock.acquire(dir, 'darwin')))).toMatch(lockedMessage(dir, process.pid));
  });
});
