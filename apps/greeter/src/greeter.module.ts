import { Module } from '@nestjs/common';
import { GreeterController } from './greeter.controller.js';
import { GreetingService } from './greeting.service.js';

@Module({ controllers: [GreeterController], providers: [GreetingService] })
export class GreeterModule {}
