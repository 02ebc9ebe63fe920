import { defaultFleet } from './default-fleet.js';
import { parseFleetDefinition, startOrder } from './fleet-definition.js';

const service = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  main: `apps/${name}/dist/main.js`,
  instances: 1,
  port: { mode: 'free' },
  ...extra,
});

describe('fleet definition', () => {
  it('is three greeters on free ports by default, on fixed ports from a base when given', () => {
    expect(defaultFleet(undefined).services).toEqual([
      {
        name: 'greeter',
        main: 'apps/greeter/dist/main.js',
        instances: 3,
        port: { mode: 'free' },
        env: {},
        dependsOn: [],
      },
    ]);
    expect(defaultFleet(7000).services[0]?.port).toEqual({ mode: 'fixed', base: 7000 });
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
        ],
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
