#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { createDiscovery, etcdChannelOptions } from '@flotilla/discovery';
import { GreeterClient } from '@flotilla/proto';
import { readFleetState } from './fleet-state.js';
import { DEFAULT_STATE_DIR } from './paths.js';

// The README's example call: `npm run hello -- Ada`. It finds greeter by name through the running
// fleet's registry (read from .fleet/fleet.json), or through --registry / $FLOTILLA_REGISTRY.
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { registry: { type: 'string' }, 'state-dir': { type: 'string' } },
  allowPositionals: true,
});
const name = positionals[0] ?? 'World';
const stateFile = join(resolve(values['state-dir'] ?? DEFAULT_STATE_DIR), 'fleet.json');
const registry =
  values.registry ?? process.env['FLOTILLA_REGISTRY'] ?? readFleetState(stateFile)?.registry.join(',');
if (!registry) {
  console.error(
    `no running fleet found (${stateFile}): start one with npm run fleet, or pass --registry <etcd endpoints>`,
  );
  process.exit(1);
}

const discovery = await createDiscovery({ endpoints: registry }).catch((error: Error) => {
  console.error(`cannot reach the registry at ${registry}: ${error.message}`);
  process.exit(1);
});
const client = new GreeterClient(
  'etcd:///greeter',
  credentials.createInsecure(),
  etcdChannelOptions(discovery),
);
client.sayHello({ name, count: 0 }, new Metadata(), { deadline: Date.now() + 5000 }, (error, reply) => {
  client.close();
  void discovery.close().then(() => {
    if (error) {
      console.error(
        `SayHello on etcd:///greeter (registry ${registry}) failed: ${error.details || error.message}`,
      );
      process.exit(1);
    }
    console.log(reply.message);
  });
});
