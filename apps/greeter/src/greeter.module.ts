import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { greeterSchema, translatorSchema } from '@flotilla/proto';
import { flotillaTelemetry } from '@flotilla/telemetry';
import { faultInjectionProviders } from './fault-injection.js';
import { GreeterController } from './greeter.controller.js';
import { greeterConfig } from './greeter-config.js';
import { GreetingService } from './greeting.service.js';
import { Translations } from './translations.js';

/** Reported in the registration metadata. */
export const GREETER_VERSION = '0.0.0';

@Module({
  imports: [
    FlotillaModule.forRoot({
      service: 'greeter',
      version: GREETER_VERSION,
      // translatorSchema: the translator client's partial requests and Translate's idempotency.
      schemas: [greeterSchema, translatorSchema],
      config: { schema: greeterConfig },
      // Spans and call-duration metrics; they record once main.ts has started telemetry.
      ...flotillaTelemetry(),
    }),
  ],
  controllers: [GreeterController],
  providers: [GreetingService, Translations, ...faultInjectionProviders(process.env)],
})
export class GreeterModule {}
