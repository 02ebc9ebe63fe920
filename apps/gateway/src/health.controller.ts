import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

/** `GET /healthz`: 200 once the gateway listens (its greeter client is created before that). */
@ApiTags('operations')
@Controller()
export class HealthController {
  @Get('healthz')
  @ApiOkResponse({ description: 'the gateway is up', schema: { example: { status: 'ok' } } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
