import { hostname } from 'node:os';
import { type LogLevel, resolveSettings, SettingsError } from '@flotilla/nest';

/** What the gateway runs with. */
export interface GatewaySettings {
  service: string;
  host: string;
  port: number;
  instanceId: string;
  registry: string[];
  logLevel: LogLevel;
  /** In-flight HTTP requests may finish for this long at shutdown, then their connections are closed. */
  shutdownTimeoutMs: number;
}

/** Nest injection token of the GatewaySettings. */
export const GATEWAY_SETTINGS = Symbol.for('flotilla.gateway.settings');
export const GATEWAY_DEFAULT_PORT = 8080;

/**
 * The standard Flotilla flags and FLOTILLA_* variables, read and validated by @flotilla/nest as
 * for every service (`--help` lists them), so the fleet starts the gateway as it starts the others.
 * The registration flags (ttl, drain, zone, weight, shedding) are accepted and have no effect: the
 * gateway is an HTTP front door, not a registered gRPC service. The registry is required: the
 * gateway finds the greeter through it.
 */
export function gatewaySettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): GatewaySettings {
  const settings = resolveSettings({
    service: 'gateway',
    options: { port: GATEWAY_DEFAULT_PORT },
    env,
    argv,
  });
  if (settings.registry === undefined) {
    throw new SettingsError(
      'registry (--registry or FLOTILLA_REGISTRY) is required: the gateway finds the greeter through it',
    );
  }
  return {
    service: settings.service,
    host: settings.host,
    port: settings.port,
    instanceId: settings.instanceId ?? `${hostname()}-${settings.port}-${process.pid}`,
    registry: settings.registry,
    logLevel: settings.logLevel,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
  };
}
