#!/usr/bin/env node
import { Module } from '@nestjs/common';
import { GreeterService, greeterSchema } from '@flotilla/proto';
import { FlotillaModule, runMicroservice } from '@flotilla/nest';
import { flotillaTelemetry, FlotillaTelemetryModule, startTelemetry } from '@flotilla/telemetry';
import { TIER_NAME, TierController } from './tier.controller.js';

/**
 * One tier of the telemetry specs' three-service chain, set up as a service's main.ts would:
 * TIER_NAME names it, TIER_NEXT (`host:port`) is the tier it calls, if any. Port, exporters and
 * the rest come from the usual FLOTILLA_* and OTEL_* variables.
 */
const tier = process.env['TIER_NAME'];
if (!tier) throw new Error('TIER_NAME is required');
const next = process.env['TIER_NEXT'];

await startTelemetry({ serviceName: tier });

@Module({
  imports: [
    FlotillaModule.forRoot({ service: tier, schemas: [greeterSchema], ...flotillaTelemetry() }),
    ...(next ? [FlotillaModule.forClients([{ service: GreeterService, name: 'next', target: [next] }])] : []),
    FlotillaTelemetryModule,
  ],
  controllers: [TierController],
  providers: [{ provide: TIER_NAME, useValue: tier }],
})
class TierModule {}

await runMicroservice(TierModule);
