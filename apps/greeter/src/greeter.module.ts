import { Module } from '@nestjs/common';
import { GreeterController } from './greeter.controller.js';

@Module({ controllers: [GreeterController] })
export class GreeterModule {}
