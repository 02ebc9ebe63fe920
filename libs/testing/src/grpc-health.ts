import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { waitFor } from './wait-for.js';

const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

type CheckFn = (
  request: { service: string },
  options: { deadline: Date },
  callback: (error: ServiceError | null, reply?: { status: string }) => void,
) => void;

/** Calls grpc.health.v1.Health/Check on `address` and returns the status name (e.g. 'SERVING'). */
export function checkHealth(address: string, service = '', timeoutMs = 2000): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure());
  const check = (client as unknown as { check: CheckFn }).check.bind(client);
  return new Promise<string>((resolve, reject) => {
    check({ service }, { deadline: new Date(Date.now() + timeoutMs) }, (error, reply) => {
      client.close();
      if (error) reject(error);
      else resolve(String(reply?.status));
    });
  });
}

/** Waits until `address` answers SERVING on the standard health service. */
export function waitForServing(address: string, timeoutMs = 15_000, service = ''): Promise<string> {
  return waitFor(async () => (await checkHealth(address, service, 1000)) === 'SERVING' && 'SERVING', {
    timeoutMs,
    intervalMs: 50,
    what: `${address} to report SERVING on grpc.health.v1`,
  });
}
