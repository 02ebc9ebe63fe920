export { TranslatorModule, TRANSLATOR_VERSION } from './translator.module.js';
export { TranslatorController } from './translator.controller.js';
export { TranslationService } from './translation.service.js';
export { translatorConfig, type TranslatorConfig } from './translator-config.js';
export { LANGUAGES, PHRASES_KNOWN, translatePhrase, type Language } from './phrase-table.js';
