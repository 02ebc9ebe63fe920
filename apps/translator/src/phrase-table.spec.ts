import { status } from '@grpc/grpc-js';
import { RpcStatusError } from '@flotilla/nest';
import { LANGUAGES, PHRASES_KNOWN, translatePhrase } from './phrase-table.js';

function failure(fn: () => unknown): { code: number; message: string; reason: string } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof RpcStatusError)) throw error;
    return { code: error.code, message: error.message, reason: error.reason };
  }
  throw new Error('expected an RpcStatusError');
}

describe('the phrase table', () => {
  it.each([
    ['fr', 'Bonjour'],
    ['de', 'Hallo'],
    ['es', 'Hola'],
    ['it', 'Ciao'],
    ['nl', 'Hallo'],
    ['pt', 'Olá'],
  ])('translates "Hello" into %s', (language, expected) => {
    expect(translatePhrase('Hello', language)).toEqual({ text: expected, language });
  });

  it('knows every phrase in every language, and English returns the text as given', () => {
    for (const phrase of PHRASES_KNOWN) {
      for (const language of LANGUAGES) {
        expect(translatePhrase(phrase, language).text.length).toBeGreaterThan(0);
      }
      expect(translatePhrase(phrase, 'en')).toEqual({ text: phrase, language: 'en' });
    }
    expect(PHRASES_KNOWN.length).toBeGreaterThanOrEqual(5);
  });

  it('matches phrases and languages case-insensitively and keeps the initial case of the text', () => {
    expect(translatePhrase('hello', 'FR')).toEqual({ text: 'bonjour', language: 'fr' });
    expect(translatePhrase(' Thank you ', 'de')).toEqual({ text: 'Danke', language: 'de' });
    expect(translatePhrase('GOOD MORNING', 'es')).toEqual({ text: 'Buenos días', language: 'es' });
  });

  it.each([
    ['', 'fr', status.INVALID_ARGUMENT, 'text is required', 'TEXT_REQUIRED'],
    ['  ', 'fr', status.INVALID_ARGUMENT, 'text is required', 'TEXT_REQUIRED'],
    ['Hello', '', status.INVALID_ARGUMENT, 'language is required', 'LANGUAGE_REQUIRED'],
    [
      'Hello',
      'xx',
      status.NOT_FOUND,
      'unknown language "xx" (known: en, fr, de, es, it, nl, pt)',
      'LANGUAGE_NOT_FOUND',
    ],
    [
      'Cheese',
      'fr',
      status.NOT_FOUND,
      'no translation of "Cheese" (known phrases: hello, goodbye, good morning, thank you, welcome, friend)',
      'PHRASE_NOT_FOUND',
    ],
  ])('refuses text %j into %j', (text, language, code, message, reason) => {
    expect(failure(() => translatePhrase(text, language))).toEqual({ code, message, reason });
  });
});
