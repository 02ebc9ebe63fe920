import { Injectable } from '@nestjs/common';
import { InjectConfig, ValidationError } from '@flotilla/nest';
import type { GreeterConfigView } from './greeter-config.js';
import { checkName, greet, streamCount } from './greeting.js';
import { Translations } from './translations.js';

/** The greeter's domain logic, injected into the gRPC controller by type (decorator metadata). */
@Injectable()
export class GreetingService {
  constructor(
    @InjectConfig() private readonly config: GreeterConfigView,
    private readonly translations: Translations,
  ) {}

  /**
   * The greeting for `name` in `language` (default: the live `defaultLanguage`), shaped by the
   * live `template`. English needs no translator call.
   */
  async greet(name: unknown, language?: string): Promise<string> {
    checkName(name);
    // One snapshot: a config change mid-call does not mix old and new values.
    const { template, defaultLanguage } = this.config.snapshot();
    const target = language?.trim().toLowerCase() || defaultLanguage;
    const word = target === 'en' ? 'Hello' : await this.translations.translate('Hello', target);
    return greet(name, template, word);
  }

  repeat(count: unknown): number {
    return streamCount(count);
  }

  /** One greeting for every name, in the first request's language. */
  greetAll(names: string[], language?: string): Promise<string> {
    if (names.length === 0)
      throw new ValidationError('at least one request with a name is required', { reason: 'NAMES_REQUIRED' });
    return this.greet(names.join(', '), language);
  }

  /** Validates a name for a combined greeting and returns it as given. */
  checkName(name: unknown): string {
    return checkName(name);
  }
}
