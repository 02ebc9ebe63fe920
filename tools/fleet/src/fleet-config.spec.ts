import { join, resolve } from 'node:path';
import { parseFleetArgs } from './fleet-config.js';
import { DEFAULT_STATE_DIR, REPO_ROOT } from './paths.js';

describe('parseFleetArgs', () => {
  it('defaults to flotilla-store, free greeter ports and .fleet/ in the repository root', () => {
    expect(parseFleetArgs([])).toEqual({
      etcd: false,
      fresh: false,
      greeterPort: undefined,
      startTimeoutMs: 30_000,
      stateDir: DEFAULT_STATE_DIR,
    });
    expect(DEFAULT_STATE_DIR).toBe(join(REPO_ROOT, '.fleet'));
  });

  it('takes --etcd, --fresh, a greeter port base, a start timeout and a state dir', () => {
    expect(
      parseFleetArgs([
        '--etcd',
        '--fresh',
        '--greeter-port',
        '6000',
        '--start-timeout-ms',
        '5000',
        '--state-dir',
        'tmp/f',
      ]),
    ).toEqual({
      etcd: true,
      fresh: true,
      greeterPort: 6000,
      startTimeoutMs: 5000,
      stateDir: resolve('tmp/f'),
    });
  });

  it.each([
    [['--greeter-port', 'x'], '--greeter-port must be an integer from 1 to 65533, got "x"'],
    [['--greeter-port', '65534'], '--greeter-port must be an integer from 1 to 65533, got "65534"'],
    [['--start-timeout-ms', '10'], '--start-timeout-ms must be an integer from 1000 to 600000, got "10"'],
    [['--state-dir', ' '], '--state-dir must not be empty'],
    [['--etcd-port', '1'], "Unknown option '--etcd-port'"],
  ])('rejects %j naming the problem and showing usage', (argv, message) => {
    expect(() => parseFleetArgs(argv)).toThrow(message);
    expect(() => parseFleetArgs(argv)).toThrow('usage: npm run fleet');
  });
});
