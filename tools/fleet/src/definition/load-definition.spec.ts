import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DEFINITION } from '../paths.js';
import { loadFleetDefinition } from './load-definition.js';

describe('loadFleetDefinition', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-definition-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (text: string) => {
    const path = join(dir, 'fleet.json');
    writeFileSync(path, text);
    return path;
  };

  it("loads the repository's fleet.json: 3 store members, translators, greeters, a gateway on 8080", () => {
    const fleet = loadFleetDefinition(DEFAULT_DEFINITION);
    expect(fleet.store.members).toBe(3);
    expect(Object.fromEntries(fleet.services.map((s) => [s.name, s.instances]))).toEqual({
      translator: 2,
      greeter: 3,
      gateway: 1,
    });
    expect(fleet.services.find((s) => s.name === 'gateway')).toMatchObject({
      kind: 'http',
      port: { mode: 'fixed', base: 8080 },
    });
  });

  it('says how to get a definition when the file is missing', () => {
    expect(() => loadFleetDefinition(join(dir, 'nope.json'))).toThrow(
      /no fleet definition at .*nope\.json: create it .* or pass --definition <file>/,
    );
  });

  it('names the file and the JSON mistake', () => {
    expect(() => loadFleetDefinition(file('{"services": ['))).toThrow(/fleet\.json is not valid JSON: /);
  });

  it('names the file and every mistake in it, one per line', () => {
    const path = file(
      JSON.stringify({
        services: [
          {
            name: 'greeter',
            project: 'greeter',
            main: 'apps/greeter/dist/main.js',
            instances: 0,
            port: { mode: 'free' },
          },
          {
            name: 'gateway',
            project: 'gateway',
            main: 'x.js',
            instances: 1,
            port: { mode: 'fixed' },
            dependsOn: ['greter'],
          },
        ],
      }),
    );
    let message = '';
    try {
      loadFleetDefinition(path);
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toMatch(/fleet\.json: invalid fleet definition:$/);
    expect(lines.slice(1)).toEqual([
      '  services.0.instances: Too small: expected number to be >=1',
      '  services.1.port.base: Invalid input: expected number, received undefined',
      '  services.1.dependsOn.0: "greter" is not a service of this fleet (it has greeter, gateway)',
    ]);
  });
});
