import { z } from 'zod';

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

const portSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('free') }).strict(),
  z
    .object({
      mode: z.literal('fixed'),
      /** Instance i listens on base + i - 1. */
      base: z.number().int().min(1).max(65535),
    })
    .strict(),
]);

const serviceSchema = z
  .object({
    name: z
      .string()
      .regex(NAME, 'must be lower-case letters, digits and dashes, starting with a letter')
      .refine((name) => name !== 'store', '"store" names the fleet\'s store members; pick another name'),
    /** The Nx project that builds it: the fleet builds it first (only if stale). */
    project: z.string().min(1, 'must name the Nx project that builds the service, e.g. greeter'),
    /** The service's built entry point, relative to the repository root. */
    main: z.string().min(1, 'must name the built entry point, e.g. apps/greeter/dist/main.js'),
    /** grpc: ready once every instance is registered; http: once GET /healthz answers 200. */
    kind: z.enum(['grpc', 'http']).default('grpc'),
    instances: z.number().int().min(1).max(16),
    port: portSchema,
    env: z.record(z.string(), z.string()).default({}),
    /** Other services that must be ready first (every service depends on the registry). */
    dependsOn: z.array(z.string()).default([]),
  })
  .strict();

const storeSchema = z
  .object({
    /** Raft members; an odd number, so that a majority survives a minority failing. */
    members: z
      .number()
      .int()
      .min(1)
      .max(7)
      .refine((n) => n % 2 === 1, 'must be odd (1, 3, 5 or 7): a majority must survive a minority failing'),
  })
  .strict();

const fleetSchema = z
  .object({
    store: storeSchema.default({ members: 3 }),
    services: z.array(serviceSchema).min(1, 'must list at least one service'),
  })
  .strict();

interface Issue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks across services (duplicate names, unknown dependencies, fixed ports past 65535). They run
 * on the raw input, next to the schema's checks, so one pass reports every mistake, not only the
 * first kind.
 */
function crossServiceIssues(input: unknown): Issue[] {
  const services = (input as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) return [];
  const raw = services.map((s) =>
    typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {},
  );
  const names = raw.map((s) => s['name']).filter((n): n is string => typeof n === 'string');
  const issues: Issue[] = [];
  raw.forEach((service, i) => {
    const name = service['name'];
    if (typeof name === 'string' && raw.findIndex((s) => s['name'] === name) !== i) {
      issues.push({ path: ['services', i, 'name'], message: `"${name}" is listed twice` });
    }
    const dependsOn = service['dependsOn'];
    if (Array.isArray(dependsOn)) {
      dependsOn.forEach((dep, j) => {
        if (typeof dep === 'string' && !names.includes(dep)) {
          issues.push({
            path: ['services', i, 'dependsOn', j],
            message: `"${dep}" is not a service of this fleet (it has ${names.join(', ')})`,
          });
        }
      });
    }
    const port = service['port'] as { mode?: unknown; base?: unknown } | undefined;
    const instances = service['instances'];
    if (
      port?.mode === 'fixed' &&
      typeof port.base === 'number' &&
      typeof instances === 'number' &&
      port.base + instances - 1 > 65535
    ) {
      issues.push({
        path: ['services', i, 'port', 'base'],
        message: `${instances} instances from port ${port.base} go past 65535`,
      });
    }
  });
  return issues;
}

export type ServiceDefinition = z.output<typeof serviceSchema>;
export type FleetDefinition = z.output<typeof fleetSchema>;
export type FleetDefinitionInput = z.input<typeof fleetSchema>;

export class FleetDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetDefinitionError';
  }
}

/** Validates a fleet definition; the error lists every mistake, one per line, with where it is. */
export function parseFleetDefinition(input: unknown): FleetDefinition {
  const result = fleetSchema.safeParse(input);
  const issues: Issue[] = [
    ...(result.success
      ? []
      : result.error.issues.map((i) => ({ path: i.path as Issue['path'], message: i.message }))),
    ...crossServiceIssues(input),
  ];
  if (!result.success || issues.length > 0) {
    // In the file's order: a service's mistakes together.
    const order = (path: Issue['path']) =>
      path[0] === 'services' && typeof path[1] === 'number' ? path[1] : -1;
    const lines = issues
      .map((issue, k) => ({ issue, k }))
      .sort((a, b) => order(a.issue.path) - order(b.issue.path) || a.k - b.k)
      .map(({ issue }) => `  ${issue.path.join('.') || '(definition)'}: ${issue.message}`);
    throw new FleetDefinitionError(`invalid fleet definition:\n${lines.join('\n')}`);
  }
  const fleet = result.data;
  startOrder(fleet);
  return fleet;
}

/** Services in an order where each comes after what it depends on; throws on a cycle. */
export function startOrder(fleet: FleetDefinition): ServiceDefinition[] {
  const byName = new Map(fleet.services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: ServiceDefinition[] = [];
  const visit = (service: ServiceDefinition, path: string[]): void => {
    if (done.has(service.name)) return;
    if (path.includes(service.name)) {
      throw new FleetDefinitionError(
        `invalid fleet definition: services depend on each other in a cycle: ${[...path, service.name].join(' -> ')}`,
      );
    }
    for (const dep of service.dependsOn) {
      const next = byName.get(dep);
      if (next) visit(next, [...path, service.name]);
    }
    done.add(service.name);
    order.push(service);
  };
  for (const service of fleet.services) visit(service, []);
  return order;
}
