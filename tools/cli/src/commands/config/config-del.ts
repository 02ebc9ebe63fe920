import { CliError, ExitCode } from '../../exit-codes.js';
import { revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';
import { configNames } from './config-names.js';
import type { WriteOptions } from './config-set.js';
import { keyDefault } from './schema-facts.js';
import { noSchemaError, readStoredSchema } from './service-lookup.js';

/** `flotilla config del <service> <key>`: like `set`, refuses a service without a schema unless --no-schema. */
export async function configDel(
  ctx: CommandContext,
  service: string,
  key: string,
  options: WriteOptions,
): Promise<void> {
  const names = configNames(service, key);
  const etcdKey = names.key ?? '';
  const revision = await withStore(ctx.target, async (client) => {
    const stored = await readStoredSchema(client, names);
    if (!stored && options.requireSchema) throw await noSchemaError(client, service, names);
    const res = await client.delete().key(etcdKey).exec();
    if (Number(res.deleted) === 0) {
      const declared = stored?.parsed.ok === true && keyDefault(stored.parsed.schema, key).declared;
      throw new CliError(
        declared
          ? `${service}/${key} is not set: nothing at ${etcdKey} to delete, the service already uses the schema's default; see it with \`flotilla config get ${service} ${key}\``
          : `unknown key "${key}" of service "${service}": nothing at ${etcdKey} to delete; list the service's keys with \`flotilla config get ${service}\``,
        ExitCode.failed,
      );
    }
    return revisionNumber(res.header.revision);
  });
  if (ctx.out.json) ctx.out.jsonLine({ service, key, deleted: true, revision });
  else ctx.out.line(`deleted ${service}/${key} (revision ${revision})`);
}
