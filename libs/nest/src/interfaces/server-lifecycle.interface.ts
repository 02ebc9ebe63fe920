/** The gRPC server once it listens, as the lifecycle sees it. */
export interface ListeningServer {
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** `host:port` it listens on. */
  readonly address: string;
  /**
   * Stops taking calls and lets in-flight ones finish for up to `timeoutMs`, then cancels the
   * rest. Resolves with how many were cancelled.
   */
  close(timeoutMs: number): Promise<{ cancelled: number }>;
}

/** What FlotillaServer tells the service lifecycle (registration, health, shutdown). */
export interface ServerLifecycle {
  /** The server listens; resolve once the instance may take calls (registered, SERVING). */
  started(server: ListeningServer): Promise<void>;
  /** Nest closes the server: run the graceful shutdown (idempotent). */
  stop(): Promise<void>;
}
