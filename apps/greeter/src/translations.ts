import { status } from '@grpc/grpc-js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LazyModuleLoader } from '@nestjs/core';
import { RegistryConnection, RpcStatusError } from '@flotilla/nest';
import { Translator, TranslatorClientModule } from './translator-client.module.js';

/**
 * Translation for the greeter. The translator client finds translators through the registry, so
 * its module is loaded only when the greeter has one; a greeter started without a registry (on its
 * own, as most of its tests run it) greets in English and says why it cannot do more.
 */
@Injectable()
export class Translations implements OnModuleInit {
  private translator: Translator | undefined;

  constructor(
    private readonly lazyModules: LazyModuleLoader,
    private readonly registry: RegistryConnection,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.registry.discovery) return;
    const module = await this.lazyModules.load(() => TranslatorClientModule);
    this.translator = module.get(Translator);
  }

  async translate(text: string, language: string): Promise<string> {
    if (!this.translator) {
      throw new RpcStatusError(
        status.FAILED_PRECONDITION,
        `cannot greet in "${language}": the greeter has no registry to find the translator through (set --registry or FLOTILLA_REGISTRY)`,
        { reason: 'NO_TRANSLATOR' },
      );
    }
    return this.translator.translate(text, language);
  }
}
