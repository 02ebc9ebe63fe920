import { chaosExitCode, formatSummary, parseDuration, runChaos } from '../chaos/index.js';
import { stateDirOption } from '../fleet-config.js';

export interface ChaosCommandOptions {
  for: string;
  seed?: number;
  rate?: number;
  concurrency?: number;
  targets?: string;
  stateDir?: string;
}

/** `fleet chaos --for 60s`: helper D's chaos run against the running fleet; exit 1 if any gateway call failed. */
export async function chaosCommand(o: ChaosCommandOptions): Promise<number> {
  let durationMs: number;
  try {
    durationMs = parseDuration(o.for);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const summary = await runChaos({
      stateDir: stateDirOption(o.stateDir),
      durationMs,
      seed: o.seed,
      rate: o.rate,
      concurrency: o.concurrency,
      targets: o.targets?.split(',').map((t) => t.trim()),
      log: (line) => process.stdout.write(`${line}\n`),
      signal: abort.signal,
    });
    process.stdout.write(`${formatSummary(summary)}\n`);
    return chaosExitCode(summary);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
