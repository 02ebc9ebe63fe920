import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PROTO_ROOT } from '@flotilla/proto';
import { freePort, spawnTracked, stopChild, waitForServing } from '@flotilla/testing';
import type { ChildProcess } from 'node:child_process';

const run = promisify(execFile);
// Debian's python3 carries grpcio; a pyenv python3 earlier on PATH does not (tools/scripts/ensure-python-grpc.sh).
const PYTHON = '/usr/bin/python3';
const CLIENT = fileURLToPath(new URL('./greeter_client.py', import.meta.url));
const GREETER_MAIN = fileURLToPath(new URL('../../../apps/greeter/dist/main.js', import.meta.url));
const HEALTH_PROTO_ROOT = join(
  dirname(createRequire(import.meta.url).resolve('grpc-health-check')),
  '../../proto',
);

describe('a foreign (Python grpcio) client against the greeter process', () => {
  let greeter: ChildProcess | undefined;
  let address: string;
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'flotilla-pyclient-'));
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    greeter = spawnTracked(process.execPath, [GREETER_MAIN, '--port', String(port)]);
    await waitForServing(address);
  });

  afterAll(async () => {
    if (greeter) await stopChild(greeter);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('calls all four RPC shapes and the health check, with stubs generated from the same .proto', async () => {
    const { stdout } = await run(PYTHON, [CLIENT, PROTO_ROOT, HEALTH_PROTO_ROOT, address, outDir], {
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      unary: 'Hello Python',
      server_stream: ['Hello Py', 'Hello Py', 'Hello Py'],
      client_stream: 'Hello a, b',
      bidi: ['Hello x', 'Hello y'],
      invalid: { code: 'INVALID_ARGUMENT', details: 'name is required' },
      // The handler's ValidationError: its reason travels as a google.rpc.ErrorInfo.
      invalid_error_info: {
        reason: 'NAME_REQUIRED',
        domain: 'greeter',
        metadata: { field: 'name' },
        status_code: 3,
        status_message: 'name is required',
      },
      health: 'SERVING',
      health_greeter: 'SERVING',
    });
  });
});
