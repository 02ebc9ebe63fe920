import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { translatorSchema } from '@flotilla/proto';
import { flotillaTelemetry } from '@flotilla/telemetry';
import { TranslationService } from './translation.service.js';
import { TranslatorController } from './translator.controller.js';
import { translatorConfig } from './translator-config.js';

/** Reported in the registration metadata. */
export const TRANSLATOR_VERSION = '0.0.0';

@Module({
  imports: [
    FlotillaModule.forRoot({
      service: 'translator',
      version: TRANSLATOR_VERSION,
      schemas: [translatorSchema],
      config: { schema: translatorConfig },
      // Spans and call-duration metrics; they record once main.ts has started telemetry.
      ...flotillaTelemetry(),
    }),
  ],
  controllers: [TranslatorController],
  providers: [TranslationService],
})
export class TranslatorModule {}
