import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from './supervisor.js';

// Real processes: a node child that logs its signals to its log file and exits (or not) on SIGTERM.
const child = (onTerm: 'exit' | 'ignore') =>
  `process.on('SIGTERM', () => { console.log('SIGTERM at', Date.now()); ${onTerm === 'exit' ? 'process.exit(0)' : ''} });` +
  `console.log('ready', process.stdin.isTTY === true, process.env.NO_COLOR); setInterval(() => {}, 1000);`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Supervisor', () => {
  let dir: string;
  let supervisor: Supervisor;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-supervisor-'));
    supervisor = new Supervisor();
  });
  afterEach(async () => {
    await supervisor.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (name: string, onTerm: 'exit' | 'ignore') => ({
    name,
    command: process.execPath,
    args: ['-e', child(onTerm)],
    logFile: join(dir, `${name}.log`),
  });
  const log = (name: string) => readFileSync(join(dir, `${name}.log`), 'utf8');
  const ready = async (name: string) => {
    const deadline = Date.now() + 10_000;
    while (!log(name).includes('ready')) {
      if (Date.now() > deadline) throw new Error(`${name} never started: ${log(name)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('starts children in their own process groups, logging to a file, without a TTY or colour', async () => {
    const [p] = supervisor.startLayer('a', [spec('a-1', 'exit')], { graceMs: 5000 });
    await ready('a-1');
    expect(log('a-1')).toContain('ready false 1');
    // Its own group: the group id is its pid.
    expect(() => process.kill(-p!.pid, 0)).not.toThrow();
  });

  it('stops layers in reverse order, and SIGKILLs a child that ignores SIGTERM after the grace period', async () => {
    const [registry] = supervisor.startLayer('registry', [spec('registry-1', 'exit')], { graceMs: 5000 });
    const [service] = supervisor.startLayer('service', [spec('service-1', 'ignore')], { graceMs: 300 });
    await ready('registry-1');
    await ready('service-1');
    const lines: string[] = [];
    await supervisor.stopAll((line) => lines.push(line));
    expect(lines).toEqual([
      'stopping service (service-1)...',
      'service-1 did not stop within 300 ms; killed it',
      'stopping registry (registry-1)...',
    ]);
    expect(alive(registry!.pid)).toBe(false);
    expect(alive(service!.pid)).toBe(false);
    const termAt = (name: string) => Number(/SIGTERM at (\d+)/.exec(log(name))?.[1]);
    expect(termAt('service-1')).toBeLessThan(termAt('registry-1'));
    expect(await service!.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('stops a one-at-a-time layer in order, each after the previous one exited', async () => {
    const names = ['m-1', 'm-2', 'm-3'];
    const members = supervisor.startLayer(
      'cluster',
      names.map((n) => spec(n, 'exit')),
      { graceMs: 5000, oneAtATime: true },
    );
    for (const n of names) await ready(n);
    const exitedAt = new Map<string, number>();
    for (const m of members) void m.exited.then(() => exitedAt.set(m.spec.name, Date.now()));
    await supervisor.stopAll();
    const termAt = (name: string) => Number(/SIGTERM at (\d+)/.exec(log(name))?.[1]);
    expect(termAt('m-2')).toBeGreaterThanOrEqual(exitedAt.get('m-1')!);
    expect(termAt('m-3')).toBeGreaterThanOrEqual(exitedAt.get('m-2')!);
  });

  it('reports a child that exits on its own, but not one it stops', async () => {
    const exits: string[] = [];
    supervisor.onUnexpectedExit((p, exit) => exits.push(`${p.spec.name} ${exit.code}`));
    const [p] = supervisor.startLayer(
      'a',
      [
        {
          name: 'a-1',
          command: process.execPath,
          args: ['-e', 'process.exit(3)'],
          logFile: join(dir, 'a-1.log'),
        },
      ],
      { graceMs: 1000 },
    );
    await p!.exited;
    expect(exits).toEqual(['a-1 3']);
    const [q] = supervisor.startLayer('b', [spec('b-1', 'exit')], { graceMs: 1000 });
    await ready('b-1');
    await supervisor.stopAll();
    await q!.exited;
    expect(exits).toEqual(['a-1 3']);
  });

  it('adds a process to a layer later (a scale-up), and stops a paused one gracefully', async () => {
    const [first] = supervisor.startLayer('svc', [spec('svc-1', 'exit')], { graceMs: 5000 });
    const second = supervisor.startInLayer('svc', spec('svc-2', 'exit'));
    await ready('svc-1');
    await ready('svc-2');
    second.signal('SIGSTOP');
    // Signals arrive asynchronously: wait until the kernel shows it stopped.
    const deadline = Date.now() + 5000;
    while (!/\) T /.test(readFileSync(`/proc/${second.pid}/stat`, 'utf8'))) {
      if (Date.now() > deadline) throw new Error('svc-2 never stopped on SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lines: string[] = [];
    await supervisor.stopAll((line) => lines.push(line));
    expect(lines).toEqual(['stopping svc (svc-1, svc-2)...']);
    // SIGTERM, then SIGCONT: the paused one handled SIGTERM itself, within the grace period.
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(log('svc-2')).toContain('SIGTERM at');
    expect(alive(first!.pid)).toBe(false);
  });

  it('stops one process with its layer’s grace period and forgets it', async () => {
    const [a, b] = supervisor.startLayer('svc', [spec('svc-1', 'exit'), spec('svc-2', 'ignore')], {
      graceMs: 300,
    });
    await ready('svc-1');
    await ready('svc-2');
    expect(await supervisor.stopOne(b!)).toEqual({ killed: true });
    expect(supervisor.processes).toEqual([a]);
    expect(alive(b!.pid)).toBe(false);
    expect(alive(a!.pid)).toBe(true);
  });
});
