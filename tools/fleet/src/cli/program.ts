import { Command, Option } from 'commander';
import { integerIn, nonEmpty, type StartOptionValues } from '../fleet-config.js';
import type { ChaosCommandOptions } from './chaos-command.js';

/** What each command does; main wires them to the fleet, tests may wire fakes. */
export interface FleetCommands {
  start(values: StartOptionValues): Promise<number>;
  status(stateDir: string | undefined): Promise<number>;
  stop(stateDir: string | undefined): Promise<number>;
  logs(name: string, follow: boolean, stateDir: string | undefined): Promise<number>;
  kill(instance: string, restart: boolean, stateDir: string | undefined): Promise<number>;
  restart(instance: string, stateDir: string | undefined): Promise<number>;
  pause(instance: string, stateDir: string | undefined): Promise<number>;
  resume(instance: string, stateDir: string | undefined): Promise<number>;
  scale(service: string, count: number, stateDir: string | undefined): Promise<number>;
  chaos(options: ChaosCommandOptions): Promise<number>;
}

const stateDirOption = () =>
  new Option(
    '--state-dir <dir>',
    "the running fleet's state dir (default: .fleet in the repository root)",
  ).argParser(nonEmpty);

/**
 * `flotilla-fleet` (npm run fleet --): with no command it starts the fleet; the subcommands act on
 * a running one through its control API. `result.code` is the exit code of the command that ran.
 */
export function fleetProgram(commands: FleetCommands, result: { code: number }): Command {
  const program = new Command('npm run fleet --')
    .description(
      'Starts the fleet of fleet.json (store members, then services in dependency order), or acts on a running one.',
    )
    .option(
      '--definition <file>',
      'the fleet definition (default: fleet.json in the repository root)',
      nonEmpty,
    )
    .option('--etcd', 'run the store on real etcd (installs it with tools/scripts/ensure-etcd.sh if needed)')
    .option('--fresh', "wipe the store's data dirs and remembered ports first")
    .option('--no-build', 'start what is built, without building stale projects first')
    .option('--no-dashboard', 'do not serve the live dashboard')
    .option(
      '--start-timeout-ms <ms>',
      'how long each member may take to become ready',
      integerIn(1000, 600_000),
    )
    .addOption(stateDirOption())
    // A subcommand's options (--state-dir) are its own, after its name.
    .enablePositionalOptions()
    // Throw rather than exit on wrong arguments (main exits 2); subcommands inherit it.
    .exitOverride()
    .showHelpAfterError()
    .action(async (values: StartOptionValues) => {
      result.code = await commands.start(values);
    });

  const sub = (name: string, description: string) =>
    program.command(name).description(description).addOption(stateDirOption()).showHelpAfterError();
  type WithStateDir = { stateDir?: string };

  sub('status', 'every instance: state, pid, address, restarts, uptime').action(async (o: WithStateDir) => {
    result.code = await commands.status(o.stateDir);
  });
  sub('stop', 'stop the running fleet (in reverse dependency order) and wait until it is gone').action(
    async (o: WithStateDir) => {
      result.code = await commands.stop(o.stateDir);
    },
  );
  sub('logs', "print an instance's log (greeter-1), or every instance's of a service (greeter)")
    .argument('<name>', 'an instance or a service')
    .option('-f, --follow', 'keep printing what is appended')
    .action(async (name: string, o: WithStateDir & { follow?: boolean }) => {
      result.code = await commands.logs(name, o.follow ?? false, o.stateDir);
    });
  sub('kill', 'SIGKILL an instance (a store member: store-1); it stays down unless --restart')
    .argument('<instance>')
    .option('--restart', 'start it again once it is dead')
    .action(async (instance: string, o: WithStateDir & { restart?: boolean }) => {
      result.code = await commands.kill(instance, o.restart ?? false, o.stateDir);
    });
  sub('restart', 'stop an instance gracefully (if it runs) and start it again; waits until it is ready')
    .argument('<instance>')
    .action(async (instance: string, o: WithStateDir) => {
      result.code = await commands.restart(instance, o.stateDir);
    });
  sub('pause', 'SIGSTOP an instance (it hangs, still registered)')
    .argument('<instance>')
    .action(async (instance: string, o: WithStateDir) => {
      result.code = await commands.pause(instance, o.stateDir);
    });
  sub('resume', 'SIGCONT a paused instance')
    .argument('<instance>')
    .action(async (instance: string, o: WithStateDir) => {
      result.code = await commands.resume(instance, o.stateDir);
    });
  sub('scale', 'run <n> instances of a service: new ones wait until ready; the highest-numbered stop first')
    .argument('<service>')
    .argument('<n>', 'instances, 0 to 16', integerIn(0, 16))
    .action(async (service: string, count: number, o: WithStateDir) => {
      result.code = await commands.scale(service, count, o.stateDir);
    });
  sub('chaos', 'load the gateway while killing, pausing and restarting instances; ends with a summary')
    .requiredOption('--for <duration>', 'how long, e.g. 30s, 2m')
    .option('--seed <n>', 'repeat a run: the seed its summary printed', integerIn(0, 2 ** 31 - 1))
    .option('--rate <n>', 'gateway calls per second (default 60)', integerIn(1, 10_000))
    .option('--concurrency <n>', 'calls in flight at most (default 8)', integerIn(1, 1000))
    .option('--targets <services>', 'comma-separated services to hit ("store" for store members)')
    .action(async (o: ChaosCommandOptions) => {
      result.code = await commands.chaos(o);
    });
  return program;
}
