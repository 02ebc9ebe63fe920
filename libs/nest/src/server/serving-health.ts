import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

/**
 * The standard health service (grpc.health.v1): NOT_SERVING until the instance is registered,
 * SERVING while it takes calls, NOT_SERVING again as soon as shutdown starts. Reported for the
 * server as a whole ('') and for each service it serves.
 */
export class ServingHealth {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly services = new Set<string>(['']);
  private serving = false;

  /** Adds the services to report on (full names, e.g. `helloworld.v1.Greeter`). */
  track(services: readonly string[]): void {
    for (const service of services) {
      this.services.add(service);
      this.health.setStatus(service, this.serving ? 'SERVING' : 'NOT_SERVING');
    }
  }

  setServing(serving: boolean): void {
    this.serving = serving;
    for (const service of this.services) this.health.setStatus(service, serving ? 'SERVING' : 'NOT_SERVING');
  }

  /** Reports a status of its own, apart from serving (e.g. `flotilla.config`, stale or not). */
  setStatus(service: string, serving: boolean): void {
    this.health.setStatus(service, serving ? 'SERVING' : 'NOT_SERVING');
  }

  get isServing(): boolean {
    return this.serving;
  }

  addToServer(server: Server): void {
    this.health.addToServer(server);
  }
}
