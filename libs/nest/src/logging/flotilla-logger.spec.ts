import { PassThrough } from 'node:stream';
import { FlotillaLogger } from './flotilla-logger.js';

function capture(mixin?: () => Record<string, unknown>) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: new FlotillaLogger({ service: 'svc', level: 'debug', mixin, stream }), lines };
}

describe('FlotillaLogger (Nest LoggerService on pino: one JSON object per line)', () => {
  it("writes Nest's calls as structured lines with level, service, context and message", async () => {
    const { logger, lines } = capture();
    logger.log('listening', 'Lifecycle');
    logger.warn({ inFlight: 3, msg: 'busy' }, 'Gate');
    logger.error('failed', 'Error: failed\n    at x', 'Server');
    logger.verbose('too detailed'); // trace: below the level
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'svc',
        pid: process.pid,
        context: 'Lifecycle',
        msg: 'listening',
      }),
      expect.objectContaining({ level: 'warn', context: 'Gate', inFlight: 3, msg: 'busy' }),
      expect.objectContaining({
        level: 'error',
        context: 'Server',
        stack: 'Error: failed\n    at x',
        msg: 'failed',
      }),
    ]);
    expect(typeof lines[0]?.['time']).toBe('string');
  });

  it('adds the mixin fields to every line: the hook telemetry uses for trace and span ids', async () => {
    const { logger, lines } = capture(() => ({ trace_id: 't1', span_id: 's1' }));
    logger.log('call');
    logger.pino.child({ context: 'calls' }).info('child line');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l['msg'], l['trace_id'], l['span_id']])).toEqual([
      ['call', 't1', 's1'],
      ['child line', 't1', 's1'],
    ]);
  });
});
