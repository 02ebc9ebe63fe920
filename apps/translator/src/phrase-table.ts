import { NotFoundError, ValidationError } from '@flotilla/nest';

/** The languages the translator knows (ISO 639-1). English is the source language of every phrase. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The fixed phrase table: English phrase (lower case) → its translations. */
const PHRASES: Readonly<Record<string, Readonly<Record<Exclude<Language, 'en'>, string>>>> = {
  hello: { fr: 'Bonjour', de: 'Hallo', es: 'Hola', it: 'Ciao', nl: 'Hallo', pt: 'Olá' },
  goodbye: {
    fr: 'Au revoir',
    de: 'Auf Wiedersehen',
    es: 'Adiós',
    it: 'Arrivederci',
    nl: 'Tot ziens',
    pt: 'Adeus',
  },
  'good morning': {
    fr: 'Bonjour',
    de: 'Guten Morgen',
    es: 'Buenos días',
    it: 'Buongiorno',
    nl: 'Goedemorgen',
    pt: 'Bom dia',
  },
  'thank you': { fr: 'Merci', de: 'Danke', es: 'Gracias', it: 'Grazie', nl: 'Dank je', pt: 'Obrigado' },
  welcome: {
    fr: 'Bienvenue',
    de: 'Willkommen',
    es: 'Bienvenido',
    it: 'Benvenuto',
    nl: 'Welkom',
    pt: 'Bem-vindo',
  },
  friend: { fr: 'Ami', de: 'Freund', es: 'Amigo', it: 'Amico', nl: 'Vriend', pt: 'Amigo' },
};

export const PHRASES_KNOWN: readonly string[] = Object.keys(PHRASES);

/**
 * Translates an English phrase of the table into `language`, keeping the case of its first letter
 * ("hello" → "bonjour", "Hello" → "Bonjour"). Empty text or language is INVALID_ARGUMENT; a
 * language or phrase the table lacks is NOT_FOUND, naming it and what is known.
 */
export function translatePhrase(text: string, language: string): { text: string; language: Language } {
  const phrase = text.trim();
  if (phrase.length === 0) {
    throw new ValidationError('text is required', { reason: 'TEXT_REQUIRED', metadata: { field: 'text' } });
  }
  if (language.trim().length === 0) {
    throw new ValidationError('language is required', {
      reason: 'LANGUAGE_REQUIRED',
      metadata: { field: 'language' },
    });
  }
  const target = language.trim().toLowerCase();
  if (!isLanguage(target)) {
    throw new NotFoundError(`unknown language "${language}" (known: ${LANGUAGES.join(', ')})`, {
      reason: 'LANGUAGE_NOT_FOUND',
      metadata: { language },
    });
  }
  if (target === 'en') return { text: phrase, language: target };
  const translations = PHRASES[phrase.toLowerCase()];
  if (translations === undefined) {
    throw new NotFoundError(`no translation of "${phrase}" (known phrases: ${PHRASES_KNOWN.join(', ')})`, {
      reason: 'PHRASE_NOT_FOUND',
      metadata: { text: phrase },
    });
  }
  return { text: sameInitialCase(phrase, translations[target]), language: target };
}

function isLanguage(code: string): code is Language {
  return (LANGUAGES as readonly string[]).includes(code);
}

function sameInitialCase(source: string, translation: string): string {
  const first = source.charAt(0);
  const lower = first === first.toLowerCase() && first !== first.toUpperCase();
  return lower ? translation.charAt(0).toLowerCase() + translation.slice(1) : translation;
}
