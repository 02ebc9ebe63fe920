import type { ConfigHandle } from '@flotilla/config';
import { z } from 'zod';
import { DEFAULT_TEMPLATE } from './greeting.js';

/**
 * The greeter's live configuration (`flotilla config set greeter <key> <value>`): the reply
 * `template` ({greeting} and {name} are filled in) and the language used when a request names none.
 */
export const greeterConfig = z.object({
  template: z
    .string()
    .regex(/\{name\}/, 'template must contain {name}')
    .max(512)
    .default(DEFAULT_TEMPLATE),
  defaultLanguage: z
    .string()
    .regex(/^[a-z]{2}$/, 'defaultLanguage must be a two-letter ISO 639-1 code such as "fr"')
    .default('en'),
});
export type GreeterConfig = z.infer<typeof greeterConfig>;

/** What the greeter reads of its config handle (a narrow view, so a unit test can hand in a fake). */
export type GreeterConfigView = Pick<ConfigHandle<GreeterConfig>, 'snapshot'>;
