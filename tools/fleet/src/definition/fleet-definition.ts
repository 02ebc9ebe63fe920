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
    name: z.string().regex(NAME, 'must be lower-case letters, digits and dashes, starting with a letter'),
    /** The service's built entry point, relative to the repository root. */
    main: z.string().min(1, 'must name the built entry point, e.g. apps/greeter/dist/main.js'),
    instances: z.number().int().min(1).max(16),
    port: portSchema,
    env: z.record(z.string(), z.string()).default({}),
    /** Other services that must be ready first (every service depends on the registry). */
    dependsOn: z.array(z.string()).default([]),
  })
  .strict();

const fleetSchema = z
  .object({ services: z.array(serviceSchema).min(1, 'must list at least one service') })
  .strict()
  .superRefine((fleet, ctx) => {
    const names = fleet.services.map((s) => s.name);
    fleet.services.forEach((service, i) => {
      if (names.indexOf(service.name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'name'],
          message: `"${service.name}" is listed twice`,
        });
      }
      service.dependsOn.forEach((dep, j) => {
        if (!names.includes(dep)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'dependsOn', j],
            message: `"${dep}" is not a service of this fleet (it has ${names.join(', ')})`,
          });
        }
      });
      if (service.port.mode === 'fixed' && service.port.base + service.instances - 1 > 65535) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'port', 'base'],
          message: `${service.instances} instances from port ${service.port.base} go past 65535`,
        });
      }
    });
  });

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
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(definition)'}: ${issue.message}`,
    );
    throw new FleetDefinitionError(`invalid fleet definition:\n${lines.join('\n')}`);
  }
  startOrder(result.data);
  return result.data;
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
