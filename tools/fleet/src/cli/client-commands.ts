import { join } from 'node:path';
import { stateDirOption } from '../fleet-config.js';
import { isAlive, type FleetState } from '../fleet-state.js';
import { control, ControlRequestError, NoFleetError, runningFleet } from '../control/control-client.js';
import { logFilesOf, printLogs } from './follow-logs.js';
import { statusRows, statusTable } from './status-table.js';

type Out = (line: string) => void;

/** Runs a subcommand's body; a missing fleet or a refused request is exit 1 with its message. */
async function guarded(err: Out, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof NoFleetError || error instanceof ControlRequestError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
}

interface InstanceAnswer {
  state: string;
  pid: number;
  address: string;
}

/** The subcommands that act on a running fleet through its control API (and `logs`, on its files). */
export function clientCommands(out: Out, err: Out) {
  const instanceAction =
    (verb: 'kill' | 'pause' | 'resume' | 'restart', past: string) =>
    (instance: string, dir: string | undefined, query = '') =>
      guarded(err, async () => {
        const answer = await control<InstanceAnswer>(
          stateDirOption(dir),
          'POST',
          `/api/instances/${encodeURIComponent(instance)}/${verb}${query}`,
        );
        out(`${instance} ${past}: ${answer.state} (pid ${answer.pid}, ${answer.address})`);
        return 0;
      });
  const kill = instanceAction('kill', 'killed');
  return {
    status: (dir: string | undefined) =>
      guarded(err, async () => {
        const state = await control<FleetState>(stateDirOption(dir), 'GET', '/api/state');
        for (const line of statusTable(statusRows(state))) out(line);
        out('');
        out(`registry:  ${state.registry.join(',')}`);
        if (state.gateway) out(`gateway:   ${state.gateway}`);
        if (state.dashboard) out(`dashboard: ${state.dashboard}`);
        return 0;
      }),

    stop: (dir: string | undefined) =>
      guarded(err, async () => {
        const stateDir = stateDirOption(dir);
        const { pid } = runningFleet(stateDir);
        await control(stateDir, 'POST', '/api/stop');
        out(`stopping the fleet (pid ${pid})...`);
        // It stops services first and the store last; each gets up to 10 s before SIGKILL.
        const deadline = Date.now() + 120_000;
        while (isAlive(pid)) {
          if (Date.now() > deadline) {
            err(`the fleet (pid ${pid}) is still stopping after 120 s; see ${join(stateDir, 'logs')}`);
            return 1;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        out('stopped; nothing left running.');
        return 0;
      }),

    logs: async (name: string, follow: boolean, dir: string | undefined) => {
      const logDir = join(stateDirOption(dir), 'logs');
      if (logFilesOf(logDir, name).length === 0) {
        err(
          `no log for "${name}" in ${logDir}: name an instance (greeter-1, store-2) or a service (greeter)`,
        );
        return 1;
      }
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      try {
        await printLogs(logDir, name, follow, (text) => process.stdout.write(text), abort.signal);
      } finally {
        process.off('SIGINT', onSignal);
      }
      return 0;
    },

    kill: (instance: string, restart: boolean, dir: string | undefined) =>
      kill(instance, dir, restart ? '?restart=1' : ''),
    restart: instanceAction('restart', 'restarted'),
    pause: instanceAction('pause', 'paused'),
    resume: instanceAction('resume', 'resumed'),

    scale: (service: string, count: number, dir: string | undefined) =>
      guarded(err, async () => {
        const answer = await control<{ instances: { instanceId: string; state: string }[] }>(
          stateDirOption(dir),
          'POST',
          `/api/services/${encodeURIComponent(service)}/scale`,
          { instances: count },
        );
        out(
          `${service}: ${answer.instances.length} instance(s)${answer.instances.length ? `: ${answer.instances.map((i) => `${i.instanceId} ${i.state}`).join(', ')}` : ''}`,
        );
        return 0;
      }),
  };
}
