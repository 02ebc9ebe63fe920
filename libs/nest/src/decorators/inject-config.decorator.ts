import { Inject } from '@nestjs/common';
import { FLOTILLA_CONFIG } from '../module/tokens.js';

/**
 * Injects the service's live configuration, the @flotilla/config handle that
 * `FlotillaModule.forRoot({ config: { schema } })` starts:
 * `constructor(@InjectConfig() private readonly config: ConfigHandle<GreeterConfig>)`.
 */
export function InjectConfig(): PropertyDecorator & ParameterDecorator {
  return Inject(FLOTILLA_CONFIG);
}
