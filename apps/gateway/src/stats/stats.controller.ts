import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ClientStats } from '@flotilla/rpc';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings.js';
import { GREETER_CLIENT, type GreeterClient } from '../greeter-client.js';
import { HttpStats, type HttpStatsSnapshot } from './http-stats.js';

export interface GatewayStats {
  service: string;
  instanceId: string;
  http: HttpStatsSnapshot;
  clients: ClientStats[];
}

/** `GET /_flotilla/stats`: the gateway's HTTP counters and its greeter client's view of each endpoint. */
@ApiTags('operations')
@Controller('_flotilla')
export class StatsController {
  constructor(
    private readonly stats: HttpStats,
    @Inject(GREETER_CLIENT) private readonly greeter: GreeterClient,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  @Get('stats')
  @ApiOkResponse({
    description:
      'HTTP calls (cumulative; p50/p99 over the last 10 s) and, per client, each endpoint: breaker, EWMA latency, in-flight and attempt counts, retries and hedges',
  })
  read(): GatewayStats {
    return {
      service: this.settings.service,
      instanceId: this.settings.instanceId,
      http: this.stats.snapshot(),
      clients: [this.greeter.$stats()],
    };
  }
}
