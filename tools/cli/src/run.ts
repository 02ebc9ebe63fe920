import { CommanderError } from 'commander';
import { CliError, errorMessage, ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

/** Parses `argv` (process.argv shape) and runs the command; returns the exit code. Never exits. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const failure =
      error instanceof CliError
        ? error
        : new CliError(`unexpected failure: ${errorMessage(error)}`, ExitCode.failed);
    process.stderr.write(`error: ${failure.message}\n`);
    return failure.exitCode;
  }
}
