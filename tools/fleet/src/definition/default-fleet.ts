import { type FleetDefinition, parseFleetDefinition } from './fleet-definition.js';

/** The sample fleet: three greeter instances; `greeterPort` fixes their ports from that base. */
export function defaultFleet(greeterPort: number | undefined): FleetDefinition {
  return parseFleetDefinition({
    services: [
      {
        name: 'greeter',
        main: 'apps/greeter/dist/main.js',
        instances: 3,
        port: greeterPort === undefined ? { mode: 'free' } : { mode: 'fixed', base: greeterPort },
      },
    ],
  });
}
