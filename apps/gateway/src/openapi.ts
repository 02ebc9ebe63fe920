import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const GATEWAY_VERSION = '0.0.0';

/** The OpenAPI 3 description, from the controllers' decorators: JSON at /openapi.json, browsable at /docs. */
export function serveOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Flotilla gateway')
    .setDescription(
      'HTTP JSON front door of the sample fleet: calls the greeter through discovery. gRPC statuses map to HTTP: INVALID_ARGUMENT 400, NOT_FOUND 404, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, any other 502; errors are { "error": { "code", "message" } }.',
    )
    .setVersion(GATEWAY_VERSION)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', raw: ['json'] });
}
