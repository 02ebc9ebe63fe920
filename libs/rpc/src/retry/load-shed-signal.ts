import { type Metadata, status } from '@grpc/grpc-js';

/**
 * A Flotilla server that sheds a call (adaptive load shedding) rejects it with RESOURCE_EXHAUSTED
 * before its handler runs and sets this trailer. Such a call did nothing, so clients may send it
 * to another endpoint whatever the method; a RESOURCE_EXHAUSTED from a handler (a quota, say) is
 * not marked and is not retried that way.
 */
export const SHED_METADATA_KEY = 'x-flotilla-shed';
/** The ErrorInfo reason on a shed call (domain `flotilla`), for clients that are not Flotilla's. */
export const SHED_REASON = 'LOAD_SHED';
/** ErrorInfo domain of the errors Flotilla itself raises. */
export const FLOTILLA_ERROR_DOMAIN = 'flotilla';

export function wasShed(error: { code: number; metadata?: Metadata | undefined }): boolean {
  return error.code === status.RESOURCE_EXHAUSTED && (error.metadata?.get(SHED_METADATA_KEY).length ?? 0) > 0;
}
