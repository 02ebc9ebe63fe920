import { Injectable, Module } from '@nestjs/common';
import { type FlotillaClient, FlotillaModule, InjectClient } from '@flotilla/nest';
import { TranslatorService } from '@flotilla/proto';
import { translatorFailure } from './translator-failure.js';

/** The translator as the greeter calls it: by name through discovery, retried and hedged. */
@Injectable()
export class Translator {
  constructor(
    @InjectClient(TranslatorService) private readonly client: FlotillaClient<typeof TranslatorService>,
  ) {}

  async translate(text: string, language: string): Promise<string> {
    try {
      return (await this.client.translate({ text, language })).text;
    } catch (error) {
      throw translatorFailure(error);
    }
  }
}

/**
 * Translate is idempotent (proto option), so the client retries it on another translator; hedging
 * also sends a second attempt to another one when the first is slow to answer (a stopped process,
 * or mode "slow" on one instance), well within the greeter's own callers' deadlines.
 */
const TRANSLATOR_RPC = {
  timeoutMs: 2000,
  hedging: { delayMs: 100, maxAttempts: 2 },
  methods: { Translate: { hedging: true } },
};

/** Loaded by Translations once the greeter has a registry: `etcd:///translator` needs one. */
@Module({
  imports: [FlotillaModule.forClients([{ service: TranslatorService, config: TRANSLATOR_RPC }])],
  providers: [Translator],
  exports: [Translator],
})
export class TranslatorClientModule {}
