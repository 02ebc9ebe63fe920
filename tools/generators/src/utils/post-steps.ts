import { execFileSync } from 'node:child_process';
import { type GeneratorCallback, logger } from '@nx/devkit';

/** Runs `command` in the workspace after the files are written (Nx skips callbacks on --dry-run). */
export function runAfterwards(
  root: string,
  what: string,
  command: string,
  args: string[],
): GeneratorCallback {
  return () => {
    logger.info(`${what}: ${command} ${args.join(' ')}`);
    execFileSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  };
}

/** Runs the callbacks one after the other. */
export function runInOrder(callbacks: GeneratorCallback[]): GeneratorCallback {
  return async () => {
    for (const callback of callbacks) await callback();
  };
}
