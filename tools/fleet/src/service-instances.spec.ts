import { parseFleetDefinition } from './definition/fleet-definition.js';
import { metricsOf, pickPorts, planInstance } from './service-instances.js';

const definition = parseFleetDefinition({
  services: [
    {
      name: 'greeter',
      project: 'greeter',
      main: 'apps/greeter/dist/main.js',
      instances: 3,
      port: { mode: 'free' },
    },
    {
      name: 'gateway',
      project: 'gateway',
      main: 'apps/gateway/dist/main.js',
      kind: 'http',
      instances: 1,
      port: { mode: 'free' },
    },
  ],
});
const [greeter, gateway] = definition.services;
const context = {
  registry: ['http://127.0.0.1:2379'],
  logDir: '/tmp/logs',
  stateDir: '/tmp/state',
  definitionFile: 'fleet.json',
};

describe('service instances', () => {
  it('gives each gRPC instance its own free metrics port, distinct from every other port', async () => {
    const ports = await pickPorts(greeter!, [1, 2, 3], 'fleet.json');
    expect(ports.map((p) => p.index)).toEqual([1, 2, 3]);
    const all = ports.flatMap((p) => [p.port, p.metricsPort]);
    expect(all.every((p) => Number.isInteger(p) && p! > 0)).toBe(true);
    expect(new Set(all).size).toBe(6);
  });

  it('gives an HTTP service no metrics port', async () => {
    const [ports] = await pickPorts(gateway!, [1], 'fleet.json');
    expect(ports?.metricsPort).toBeUndefined();
  });

  it('tells the instance its metrics port, and fleet.json where to scrape it', () => {
    const planned = planInstance(greeter!, 2, 5002, context, 9464);
    expect(planned.spec.env).toMatchObject({
      FLOTILLA_METRICS_PORT: '9464',
      FLOTILLA_FLEET_STATE_DIR: '/tmp/state',
    });
    expect(metricsOf(planned.spec)).toEqual({ metrics: 'http://127.0.0.1:9464/metrics' });
    const without = planInstance(gateway!, 1, 8080, context);
    expect(without.spec.env).not.toHaveProperty('FLOTILLA_METRICS_PORT');
    expect(metricsOf(without.spec)).toEqual({});
  });
});
