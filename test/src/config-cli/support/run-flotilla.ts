import { execFile } from 'node:child_process';
import { CLI_MAIN } from './built-artifacts.js';

export interface FlotillaRun {
  /** Exit code; null if it had to be killed after `killAfterMs`. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `flotilla <args> --endpoints <endpoints>` as its own process, to completion. */
export function runFlotilla(
  endpoints: readonly string[],
  args: readonly string[],
  killAfterMs = 20_000,
): Promise<FlotillaRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_MAIN, ...args, '--endpoints', endpoints.join(',')],
      // ETCD_ENDPOINTS cleared so only --endpoints decides where it goes.
      { timeout: killAfterMs, killSignal: 'SIGKILL', env: { ...process.env, ETCD_ENDPOINTS: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
