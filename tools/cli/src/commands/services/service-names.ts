import { DEFAULT_PREFIX, serviceKeyPrefix } from '@flotilla/discovery';
import { CliError, errorMessage, ExitCode } from '../../exit-codes.js';

/** Where @flotilla/discovery registers instances: every service, or one service's instances. */
export function servicesPrefix(service?: string): string {
  if (service === undefined) return `${DEFAULT_PREFIX}/`;
  try {
    return serviceKeyPrefix(DEFAULT_PREFIX, service);
  } catch (error) {
    throw new CliError(errorMessage(error), ExitCode.usage, { cause: error });
  }
}
