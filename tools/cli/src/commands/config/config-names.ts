import { configKey, configServicePrefix, schemaKey } from '@flotilla/config/guard';
import { CliError, errorMessage, ExitCode } from '../../exit-codes.js';

/** The etcd keys for a service (and key), or a usage error naming the bad name. */
export function configNames(service: string, key?: string) {
  try {
    return {
      prefix: configServicePrefix(service),
      schema: schemaKey(service),
      key: key === undefined ? undefined : configKey(service, key),
    };
  } catch (error) {
    throw new CliError(errorMessage(error), ExitCode.usage, { cause: error });
  }
}
