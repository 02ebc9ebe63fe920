import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GatewayErrorFilter } from './gateway-error.filter.js';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway-settings.js';
import { connectGreeter, GREETER_CLIENT, type GreeterConnection } from './greeter-client.js';
import { HealthController } from './health.controller.js';
import { HelloController } from './hello.controller.js';
import { HttpStats } from './stats/http-stats.js';
import { HttpStatsMiddleware } from './stats/http-stats.middleware.js';
import { StatsController } from './stats/stats.controller.js';

const GREETER_CONNECTION = Symbol.for('flotilla.gateway.greeter-connection');

/** The gateway: its routes, the greeter client (connected before it listens), stats and error mapping. */
@Module({})
export class GatewayModule implements NestModule, OnApplicationShutdown {
  static forRoot(settings: GatewaySettings): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HelloController, HealthController, StatsController],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: GREETER_CONNECTION, useFactory: () => connectGreeter(settings.registry) },
        {
          provide: GREETER_CLIENT,
          useFactory: (connection: GreeterConnection) => connection.client,
          inject: [GREETER_CONNECTION],
        },
        { provide: HttpStats, useFactory: () => new HttpStats() },
        HttpStatsMiddleware,
        { provide: APP_FILTER, useClass: GatewayErrorFilter },
      ],
    };
  }

  constructor(@Inject(GREETER_CONNECTION) private readonly greeter: GreeterConnection) {}

  configure(consumer: MiddlewareConsumer): void {
    // Only the API's calls count in the stats, not health checks or the dashboard's polling.
    consumer.apply(HttpStatsMiddleware).forRoutes(HelloController);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.greeter.close();
  }
}
