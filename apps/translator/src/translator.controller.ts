import { type CallContext, RpcController } from '@flotilla/nest';
import { type TranslateReply, type TranslateRequest, TranslatorService } from '@flotilla/proto';
import { TranslationService } from './translation.service.js';

/** translator.v1.Translator; checked against TranslatorService when compiled. */
@RpcController(TranslatorService)
export class TranslatorController {
  constructor(private readonly translations: TranslationService) {}

  translate(request: TranslateRequest, context: CallContext): Promise<TranslateReply> {
    return this.translations.translate(request, context.signal);
  }
}
