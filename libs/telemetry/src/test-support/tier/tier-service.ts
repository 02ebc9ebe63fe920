#!/usr/bin/env node
import { Module } from '@nestjs/common';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { FlotillaModule, runMicroservice } from '@flotilla/nest';
import { flotillaTelemetry, FlotillaTelemetryModule, startTelemetry } from '@flotilla/telemetry';
import { TIER_NAME, TierController } from './tier.controller.js';

/**
 * One tier of the telemetry specs' three-service chain, set up as a service's main.ts would:
 * TIER_NAME names it, TIER_NEXT names the tier it calls, if any. That call goes to TIER_NEXT_TARGET
 * (`host:port`) when set, else through the registry (`etcd:///<TIER_NEXT>`, FLOTILLA_REGISTRY).
 * Port, registry, exporters and the rest come from the usual FLOTILLA_* and OTEL_* variables.
 */
const tier = process.env['TIER_NAME'];
if (!tier) throw new Error('TIER_NAME is required');
const next = process.env['TIER_NEXT'];
const nextTarget = process.env['TIER_NEXT_TARGET'];

await startTelemetry({ serviceName: tier });

@Module({
  imports: [
    FlotillaModule.forRoot({ service: tier, schemas: [greeterSchema], ...flotillaTelemetry() }),
    ...(next
      ? [
          FlotillaModule.forClients([
            { service: GreeterService, name: next, ...(nextTarget ? { target: [nextTarget] } : {}) },
          ]),
        ]
      : []),
    FlotillaTelemetryModule,
  ],
  controllers: [TierController],
  providers: [{ provide: TIER_NAME, useValue: tier }],
})
class TierModule {}

await runMicroservice(TierModule);
