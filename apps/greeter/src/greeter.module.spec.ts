import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GreeterController } from './greeter.controller.js';
import { GreeterModule } from './greeter.module.js';
import { GreetingService } from './greeting.service.js';

// Nest resolves GreeterController's constructor argument from `design:paramtypes`, which only
// exists if the test transpiler emits decorator metadata (vitest is set up with SWC for this).
describe('GreeterModule dependency injection', () => {
  it('emits constructor parameter types for Nest to read', () => {
    expect(Reflect.getMetadata('design:paramtypes', GreeterController)).toEqual([GreetingService]);
  });

  it('injects GreetingService into the controller', async () => {
    const context = await NestFactory.createApplicationContext(GreeterModule, { logger: false });
    try {
      const controller = context.get(GreeterController);
      expect(await controller.sayHello({ name: 'DI', count: 0 })).toEqual({ message: 'Hello DI' });
    } finally {
      await context.close();
    }
  });
});
