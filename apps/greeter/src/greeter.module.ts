import { Module } from '@nestjs/common';
import { faultInjectionProviders } from './fault-injection.js';
import { GreeterController } from './greeter.controller.js';
import { GreetingService } from './greeting.service.js';

@Module({
  controllers: [GreeterController],
  providers: [GreetingService, ...faultInjectionProviders(process.env)],
})
export class GreeterModule {}
