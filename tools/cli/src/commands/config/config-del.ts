import { CliError, ExitCode } from '../../exit-codes.js';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { configNames } from './config-names.js';

/** `flotilla config del <service> <key>` */
export async function configDel(ctx: CommandContext, service: string, key: string): Promise<void> {
  const names = configNames(service, key);
  const etcdKey = names.key ?? '';
  const revision = await withStore(ctx.target, async (client) => {
    const res = await client.delete().key(etcdKey).exec();
    if (Number(res.deleted) === 0) {
      throw new CliError(
        `unknown key "${key}" of service "${service}": nothing at ${etcdKey} to delete; list the service's keys with \`flotilla config get ${service}\``,
        ExitCode.failed,
      );
    }
    return revisionNumber(res.header.revision);
  });
  if (ctx.out.json) ctx.out.jsonLine({ service, key, deleted: true, revision });
  else ctx.out.line(`deleted ${service}/${key} (revision ${revision})`);
}
