import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody } from './error-body.js';
import { GREETER_CLIENT, type GreeterClient } from './greeter-client.js';

export class HelloReply {
  @ApiProperty({ example: 'Bonjour Ada' })
  message!: string;
}

/** `GET /hello/:name?lang=fr`: the greeter's SayHello, found through discovery. */
@ApiTags('greetings')
@Controller()
export class HelloController {
  constructor(@Inject(GREETER_CLIENT) private readonly greeter: GreeterClient) {}

  @Get('hello/:name')
  @ApiOperation({ summary: 'Greets a person, in their language if given' })
  @ApiParam({ name: 'name', description: 'Who to greet: 1 to 256 characters', example: 'Ada' })
  @ApiQuery({
    name: 'lang',
    required: false,
    description: "ISO 639-1 code of the greeting's language (default: the greeter's defaultLanguage)",
    example: 'fr',
  })
  @ApiOkResponse({ type: HelloReply })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'INVALID_ARGUMENT: a bad name' })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'NOT_FOUND: an unknown language' })
  @ApiResponse({ status: 502, type: ErrorBody, description: 'any other greeter failure' })
  @ApiResponse({
    status: 503,
    type: ErrorBody,
    description: 'UNAVAILABLE: no greeter (or translator) could answer',
  })
  @ApiResponse({ status: 504, type: ErrorBody, description: 'DEADLINE_EXCEEDED: no answer in time' })
  async hello(@Param('name') name: string, @Query('lang') lang: unknown): Promise<HelloReply> {
    if (lang !== undefined && typeof lang !== 'string') {
      throw new BadRequestException('lang must be given at most once, as one language code');
    }
    const { message } = await this.greeter.sayHello({ name, ...(lang ? { language: lang } : {}) });
    return { message };
  }
}
