import type {
  Metadata,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import type { CallContext } from '../interfaces/call-context.interface.js';

/** Any grpc-js server call; they share the surface this reads. */
export type ServerCall =
  | ServerUnaryCall<unknown, unknown>
  | ServerReadableStream<unknown, unknown>
  | ServerWritableStream<unknown, unknown>
  | ServerDuplexStream<unknown, unknown>;

/**
 * CallContext over a grpc-js server call. Cheap to create per call: the deadline, peer and
 * AbortSignal are worked out only when a handler asks for them.
 */
export class GrpcCallContext implements CallContext {
  private controller: AbortController | undefined;

  constructor(
    readonly method: string,
    private readonly call: ServerCall,
  ) {}

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get deadline(): number {
    return deadlineOf(this.call);
  }

  get peer(): string {
    return this.call.getPeer();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.call.cancelled) controller.abort();
      // Every call shape is an EventEmitter that emits 'cancelled'.
      else (this.call as NodeJS.EventEmitter).once('cancelled', () => controller.abort());
    }
    return this.controller.signal;
  }

  sendMetadata(metadata: Metadata): void {
    this.call.sendMetadata(metadata);
  }
}

/** The call's deadline as epoch ms (Infinity when none). */
export function deadlineOf(call: ServerCall): number {
  const deadline = call.getDeadline();
  return deadline instanceof Date ? deadline.getTime() : deadline;
}
