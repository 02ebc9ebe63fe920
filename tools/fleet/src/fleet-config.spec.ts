import { parseFleetArgs } from './fleet-config.js';

describe('parseFleetArgs', () => {
  it('defaults the greeter to 50051, the port the README example calls', () => {
    expect(parseFleetArgs([])).toEqual({ greeterPort: 50051, startTimeoutMs: 30_000 });
  });

  it('takes a greeter port and start timeout', () => {
    expect(parseFleetArgs(['--greeter-port', '6000', '--start-timeout-ms', '5000'])).toEqual({
      greeterPort: 6000,
      startTimeoutMs: 5000,
    });
  });

  it.each([
    [['--greeter-port', 'x'], '--greeter-port must be an integer from 1 to 65535, got "x"'],
    [['--greeter-port', '70000'], '--greeter-port must be an integer from 1 to 65535, got "70000"'],
    [['--start-timeout-ms', '10'], '--start-timeout-ms must be an integer from 1000 to 600000, got "10"'],
    [['--etcd-port', '1'], "Unknown option '--etcd-port'"],
  ])('rejects %j naming the problem and showing usage', (argv, message) => {
    expect(() => parseFleetArgs(argv)).toThrow(message);
    expect(() => parseFleetArgs(argv)).toThrow('usage: npm run fleet');
  });
});
