import { freePort } from '@flotilla/testing';
import { ExitCode } from './exit-codes.js';
import { flotilla } from './test-support/run-cli.js';

describe('flotilla usage errors and an unreachable store', () => {
  it('names an unknown command and exits 2', async () => {
    const result = await flotilla(['confg', 'get', 'x']);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toBe(
      "error: unknown command 'confg' (Did you mean config?) (usage: flotilla [options] [command]; see `flotilla --help`)\n",
    );
    const sub = await flotilla(['store', 'explode']);
    expect(sub.code).toBe(ExitCode.usage);
    expect(sub.stderr).toContain("error: unknown command 'explode'");
  });

  it('names a missing argument and a bad option value, and exits 2', async () => {
    const missing = await flotilla(['config', 'get']);
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toBe(
      "error: missing required argument 'service' (usage: flotilla config get [options] <service> [key]; see `flotilla config get --help`)\n",
    );
    const timeout = await flotilla(['--timeout', 'soon', 'store', 'status']);
    expect(timeout.code).toBe(ExitCode.usage);
    expect(timeout.stderr).toContain("option '--timeout <ms>' argument 'soon' is invalid");
    const endpoint = await flotilla(['--endpoints', 'ftp://x', 'store', 'status']);
    expect(endpoint.code).toBe(ExitCode.usage);
    expect(endpoint.stderr).toBe(
      'error: bad endpoint "ftp://x": expected host:port or http(s)://host:port, e.g. 127.0.0.1:2379\n',
    );
  });

  it('documents the exit codes in --help, and help exits 0', async () => {
    const help = await flotilla(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('3  store unreachable');
    const sub = await flotilla(['config', 'history', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--limit <n>');
  });

  it.each(
    [
      ['config'],
      ['config', 'get'],
      ['config', 'set'],
      ['config', 'del'],
      ['config', 'watch'],
      ['config', 'history'],
      ['services'],
      ['services', 'ls'],
      ['services', 'watch'],
      ['store'],
      ['store', 'status'],
      ['store', 'members'],
      ['store', 'move-leader'],
    ].map((command) => [command.join(' '), command] as const),
  )('--help on `flotilla %s` exits 0 and prints its usage line', async (name, command) => {
    const help = await flotilla([...command, '--help']);
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: flotilla ${name} \\[options\\]`));
  });

  it.each(
    [
      ['config', 'get', 'svc'],
      ['config', 'set', 'svc', 'k', '1'],
      ['config', 'watch', 'svc'],
      ['services', 'ls'],
      ['store', 'status'],
      ['store', 'members'],
    ].map((args) => [args.join(' '), args] as const),
  )('exits 3 at once, naming the endpoints, when nothing listens: %s', async (_name, args) => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    const result = await flotilla(['--endpoints', endpoint, ...args]);
    expect(result.code).toBe(ExitCode.unreachable);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: store unreachable: no answer from http://${endpoint.replace(/\./g, '\\.')}.*; start the store \\(etcd or flotilla-store\\) or point --endpoints / ETCD_ENDPOINTS at it\\n$`,
      ),
    );
    expect(result.ms).toBeLessThan(5000);
  });
});
