import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesTail, parseRunState } from './run-state.js';

describe('parseRunState', () => {
  it('accepts the fleet state, defaulting what an older fleet leaves out', () => {
    const { state } = parseRunState(
      JSON.stringify({
        pid: 7,
        registry: ['http://127.0.0.1:2379'],
        services: { greeter: [{ instanceId: 'greeter-1', address: '127.0.0.1:5001', pid: 8 }] },
      }),
    );
    expect(state?.store).toEqual([]);
    expect(state?.services['greeter']?.[0]?.state).toBe('running');
  });

  it('says what is wrong with a file that is not a fleet state', () => {
    expect(parseRunState('{').error).toMatch(/^fleet.json is not JSON/);
    expect(parseRunState('{"registry": []}').error).toMatch(/pid/);
  });
});

describe('JsonLinesTail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-tail-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns only complete new lines, skips bad ones, and starts over when the file shrinks', () => {
    const file = join(dir, 'events.jsonl');
    const tail = new JsonLinesTail(file);
    expect(tail.read()).toEqual([]);
    writeFileSync(file, '{"at":1,"kind":"start","detail":"a"}\nnot json\n{"at":2,"kind":"ki');
    expect(tail.read().map((e) => e.at)).toEqual([1]);
    appendFileSync(file, 'll","detail":"b"}\n');
    expect(tail.read()).toEqual([{ at: 2, kind: 'kill', detail: 'b' }]);
    expect(tail.read()).toEqual([]);
    writeFileSync(file, '{"at":3,"kind":"start","detail":"c"}\n');
    expect(tail.read().map((e) => e.at)).toEqual([3]);
  });
});
