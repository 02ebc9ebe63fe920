import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FleetState } from '../fleet-state.js';
import { ControlError } from '../runtime/control-errors.js';

/** What the control API acts on: the running fleet (undefined while it is being created). */
export interface ControlTarget {
  state(): FleetState;
  kill(id: string, restart: boolean): Promise<unknown>;
  pause(id: string): Promise<unknown>;
  resume(id: string): Promise<unknown>;
  restart(id: string): Promise<unknown>;
  scale(service: string, count: number): Promise<unknown>;
}

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

const INSTANCE_ACTION = /^\/api\/instances\/([\w.-]+)\/(kill|pause|resume|restart)$/;
const SCALE = /^\/api\/services\/([\w.-]+)\/scale$/;

/**
 * The fleet's control API on 127.0.0.1 (a free port): JSON over HTTP, used by the subcommands, chaos
 * and the dashboard. Every answer is JSON; errors are `{"error": "<what is wrong>"}`.
 */
export async function startControlServer(
  target: () => ControlTarget | undefined,
  onStop: () => void,
): Promise<ControlServer> {
  const server = createServer((req, res) => {
    handle(req, res, target, onStop).catch((error: unknown) => {
      if (error instanceof ControlError) send(res, error.status, { error: error.message });
      else send(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  target: () => ControlTarget | undefined,
  onStop: () => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const fleet = target();
  const method = req.method ?? 'GET';
  if (url.pathname === '/api/stop' && method === 'POST') {
    send(res, 202, { stopping: true });
    onStop();
    return;
  }
  if (!fleet) throw new ControlError(409, 'the fleet is still starting');
  if (url.pathname === '/api/state' && method === 'GET') {
    send(res, 200, fleet.state());
    return;
  }
  const action = INSTANCE_ACTION.exec(url.pathname);
  if (action && method === 'POST') {
    const [, id = '', verb] = action;
    if (verb === 'kill') await fleet.kill(id, ['1', 'true'].includes(url.searchParams.get('restart') ?? ''));
    else if (verb === 'pause') await fleet.pause(id);
    else if (verb === 'resume') await fleet.resume(id);
    else await fleet.restart(id);
    send(res, 200, instanceOf(fleet.state(), id));
    return;
  }
  const scale = SCALE.exec(url.pathname);
  if (scale && method === 'POST') {
    const body = await readJson(req);
    const count = (body as { instances?: unknown } | undefined)?.instances;
    if (typeof count !== 'number') throw new ControlError(400, 'the body must be {"instances": <n>}');
    const service = scale[1] ?? '';
    await fleet.scale(service, count);
    send(res, 200, { service, instances: fleet.state().services[service] ?? [] });
    return;
  }
  throw new ControlError(
    404,
    `no route ${method} ${url.pathname}; the API: GET /api/state, POST /api/instances/<id>/{kill,pause,resume,restart}, POST /api/services/<name>/scale, POST /api/stop`,
  );
}

function instanceOf(state: FleetState, id: string): unknown {
  const member = state.store.find((m) => m.name === id);
  if (member) return member;
  return Object.values(state.services)
    .flat()
    .find((i) => i.instanceId === id);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, `the body is not JSON: ${text.slice(0, 100)}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
