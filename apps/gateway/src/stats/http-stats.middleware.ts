import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { HttpStats } from './http-stats.js';

/** Counts each API call once its answer is sent, whatever produced it (handler or error filter). */
@Injectable()
export class HttpStatsMiddleware implements NestMiddleware {
  constructor(private readonly stats: HttpStats) {}

  use(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const started = performance.now();
    response.once('finish', () => this.stats.record(response.statusCode, performance.now() - started));
    next();
  }
}
