#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { GreeterClient } from '@flotilla/proto';

// A tiny CLI for the README's example call: `npm run hello -- Ada [--address 127.0.0.1:50051]`.
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { address: { type: 'string', default: '127.0.0.1:50051' } },
  allowPositionals: true,
});
const name = positionals[0] ?? 'World';
const client = new GreeterClient(values.address, credentials.createInsecure());
client.sayHello({ name, count: 0 }, new Metadata(), { deadline: Date.now() + 5000 }, (error, reply) => {
  client.close();
  if (error) {
    console.error(`SayHello on ${values.address} failed: ${error.details || error.message}`);
    process.exit(1);
  }
  console.log(reply.message);
});
