import { parseFleetDefinition, startOrder } from './fleet-definition.js';

const service = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  project: name,
  main: `apps/${name}/dist/main.js`,
  instances: 1,
  port: { mode: 'free' },
  ...extra,
});

describe('fleet definition', () => {
  it('fills in the defaults: a 3-member store, gRPC services, no env, no dependencies', () => {
    const fleet = parseFleetDefinition({ services: [service('greeter', { instances: 3 })] });
    expect(fleet).toEqual({
      store: { members: 3 },
      services: [
        {
          name: 'greeter',
          project: 'greeter',
          main: 'apps/greeter/dist/main.js',
          kind: 'grpc',
          instances: 3,
          port: { mode: 'free' },
          env: {},
          dependsOn: [],
        },
      ],
    });
  });

  it('takes http services on fixed ports, env and a store size', () => {
    const fleet = parseFleetDefinition({
      store: { members: 5 },
      services: [service('gateway', { kind: 'http', port: { mode: 'fixed', base: 8080 }, env: { A: '1' } })],
    });
    expect(fleet.store.members).toBe(5);
    expect(fleet.services[0]).toMatchObject({
      kind: 'http',
      port: { mode: 'fixed', base: 8080 },
      env: { A: '1' },
    });
  });

  it('orders services after what they depend on', () => {
    const fleet = parseFleetDefinition({
      services: [
        service('gateway', { dependsOn: ['orders', 'greeter'] }),
        service('orders', { dependsOn: ['greeter'] }),
        service('greeter'),
      ],
    });
    expect(startOrder(fleet).map((s) => s.name)).toEqual(['greeter', 'orders', 'gateway']);
  });

  it('names every mistake with where it is', () => {
    const run = () =>
      parseFleetDefinition({
        services: [
          service('Greeter'),
          service('orders', { instances: 0, dependsOn: ['billing'] }),
          service('orders', { port: { mode: 'fixed', base: 65535 }, instances: 2 }),
          { ...service('x'), colour: 'red' },
          service('store', { kind: 'rest' }),
          { name: 'y', main: 'apps/y/dist/main.js', instances: 1, port: { mode: 'free' } },
        ],
        store: { members: 2 },
      });
    expect(run).toThrow('invalid fleet definition:');
    expect(run).toThrow(
      'services.0.name: must be lower-case letters, digits and dashes, starting with a letter',
    );
    expect(run).toThrow('services.1.instances:');
    expect(run).toThrow('services.1.dependsOn.0: "billing" is not a service of this fleet');
    expect(run).toThrow('services.2.name: "orders" is listed twice');
    expect(run).toThrow('services.2.port.base: 2 instances from port 65535 go past 65535');
    expect(run).toThrow('services.3: Unrecognized key: "colour"');
    expect(run).toThrow('services.4.name: "store" names the fleet\'s store members; pick another name');
    expect(run).toThrow('services.4.kind: Invalid option: expected one of "grpc"|"http"');
    expect(run).toThrow('services.5.project: ');
    expect(run).toThrow('store.members: must be odd (1, 3, 5 or 7)');
  });

  it('rejects an empty fleet and a dependency cycle', () => {
    expect(() => parseFleetDefinition({ services: [] })).toThrow('services: must list at least one service');
    expect(() =>
      parseFleetDefinition({
        services: [service('a', { dependsOn: ['b'] }), service('b', { dependsOn: ['a'] })],
      }),
    ).toThrow('services depend on each other in a cycle: a -> b -> a');
  });
});
