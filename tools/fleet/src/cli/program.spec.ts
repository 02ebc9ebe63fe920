import { CommanderError } from 'commander';
import { DEFAULT_DEFINITION, DEFAULT_STATE_DIR } from '../paths.js';
import { toFleetConfig } from '../fleet-config.js';
import { type FleetCommands, fleetProgram } from './program.js';

/** Parses argv with fake commands; returns the call made, or the commander error. */
async function parse(argv: string[]): Promise<{ call?: unknown[]; error?: CommanderError; stderr: string }> {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return 0;
    };
  const commands = Object.fromEntries(
    ['start', 'status', 'stop', 'logs', 'kill', 'restart', 'pause', 'resume', 'scale', 'chaos'].map((n) => [
      n,
      record(n),
    ]),
  ) as unknown as FleetCommands;
  let stderr = '';
  const program = fleetProgram(commands, { code: 0 });
  program.configureOutput({ writeErr: (t) => (stderr += t), writeOut: () => undefined });
  for (const sub of program.commands)
    sub.configureOutput({ writeErr: (t) => (stderr += t), writeOut: () => undefined });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    return { error: error as CommanderError, stderr };
  }
  return { call: calls[0], stderr };
}

describe('the fleet command line', () => {
  it('starts the fleet of the root fleet.json by default, building and serving the dashboard', async () => {
    const { call } = await parse([]);
    expect(call?.[0]).toBe('start');
    expect(toFleetConfig(call?.[1] as object)).toEqual({
      etcd: false,
      fresh: false,
      startTimeoutMs: 30_000,
      stateDir: DEFAULT_STATE_DIR,
      definitionFile: DEFAULT_DEFINITION,
      build: true,
      dashboard: true,
    });
  });

  it('takes a definition, --etcd, --fresh, --no-build, --no-dashboard, a timeout and a state dir', async () => {
    const { call } = await parse([
      '--definition',
      'small.json',
      '--etcd',
      '--fresh',
      '--no-build',
      '--no-dashboard',
      '--start-timeout-ms',
      '5000',
      '--state-dir',
      '/tmp/f',
    ]);
    expect(toFleetConfig(call?.[1] as object)).toMatchObject({
      etcd: true,
      fresh: true,
      build: false,
      dashboard: false,
      startTimeoutMs: 5000,
      stateDir: '/tmp/f',
      definitionFile: expect.stringMatching(/\/small\.json$/),
    });
  });

  it.each([
    [
      ['status', '--state-dir', '/tmp/f'],
      ['status', '/tmp/f'],
    ],
    [['stop'], ['stop', undefined]],
    [
      ['logs', 'greeter', '-f'],
      ['logs', 'greeter', true, undefined],
    ],
    [
      ['logs', 'store-1'],
      ['logs', 'store-1', false, undefined],
    ],
    [
      ['kill', 'greeter-2'],
      ['kill', 'greeter-2', false, undefined],
    ],
    [
      ['kill', 'store-1', '--restart'],
      ['kill', 'store-1', true, undefined],
    ],
    [
      ['restart', 'store-2'],
      ['restart', 'store-2', undefined],
    ],
    [
      ['pause', 'greeter-1'],
      ['pause', 'greeter-1', undefined],
    ],
    [
      ['resume', 'greeter-1'],
      ['resume', 'greeter-1', undefined],
    ],
    [
      ['scale', 'greeter', '5'],
      ['scale', 'greeter', 5, undefined],
    ],
    [
      ['chaos', '--for', '30s', '--seed', '7', '--state-dir', '/tmp/f'],
      ['chaos', { for: '30s', seed: 7, stateDir: '/tmp/f' }],
    ],
  ])('%j calls %j', async (argv, expected) => {
    expect((await parse(argv)).call).toEqual(expected);
  });

  it.each([
    [
      ['--start-timeout-ms', '10'],
      "option '--start-timeout-ms <ms>' argument '10' is invalid. must be an integer from 1000 to 600000.",
    ],
    [['--state-dir', ' '], 'must not be empty.'],
    [['--greeter-port', '1'], "unknown option '--greeter-port'"],
    [['scale', 'greeter'], "missing required argument 'n'"],
    [['scale', 'greeter', '17'], 'must be an integer from 0 to 16.'],
    [['kill'], "missing required argument 'instance'"],
    [['chaos'], "required option '--for <duration>' not specified"],
    [['frobnicate'], 'too many arguments'],
  ])('rejects %j naming the problem, with usage', async (argv, message) => {
    const { error, stderr } = await parse(argv);
    expect(error).toBeInstanceOf(CommanderError);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: npm run fleet --');
  });
});
