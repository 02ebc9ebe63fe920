import { Module } from '@nestjs/common';
import { FlotillaModule } from '@flotilla/nest';
import { greeterSchema } from '@flotilla/proto';
import { faultInjectionProviders } from './fault-injection.js';
import { GreeterController } from './greeter.controller.js';
import { GreetingService } from './greeting.service.js';

/** Reported in the registration metadata. */
export const GREETER_VERSION = '0.0.0';

@Module({
  imports: [
    FlotillaModule.forRoot({ service: 'greeter', version: GREETER_VERSION, schemas: [greeterSchema] }),
  ],
  controllers: [GreeterController],
  providers: [GreetingService, ...faultInjectionProviders(process.env)],
})
export class GreeterModule {}
