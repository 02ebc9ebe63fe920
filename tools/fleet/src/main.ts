#!/usr/bin/env node
import { CommanderError } from 'commander';
import { chaosCommand } from './cli/chaos-command.js';
import { clientCommands } from './cli/client-commands.js';
import { fleetProgram } from './cli/program.js';
import { startCommand } from './cli/start-command.js';

async function main(): Promise<number> {
  const result = { code: 0 };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const program = fleetProgram(
    { start: startCommand, chaos: chaosCommand, ...clientCommands(out, err) },
    result,
  );
  // Wrong arguments: commander prints the problem and the usage and throws; the exit code is 2.
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? 0
        : 2;
    }
    throw error;
  }
  return result.code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Not console.error(error): util.inspect colours it when FORCE_COLOR is set.
    process.stderr.write(
      `[fleet] crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
