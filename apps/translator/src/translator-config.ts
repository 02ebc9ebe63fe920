import type { ConfigHandle } from '@flotilla/config';
import { z } from 'zod';

/**
 * The translator's live configuration (`flotilla config set translator <key> <value>`), a demo
 * switch: `mode` "slow" delays every Translate by `slowMs`, "failing" answers UNAVAILABLE, so that
 * retries, hedging and breakers can be watched at work.
 */
export const translatorConfig = z.object({
  mode: z.enum(['ok', 'slow', 'failing']).default('ok'),
  slowMs: z.number().int().min(0).max(60_000).default(300),
});
export type TranslatorConfig = z.infer<typeof translatorConfig>;

/** What the translator reads of its config handle (a narrow view, so a unit test can hand in a fake). */
export type TranslatorConfigView = Pick<ConfigHandle<TranslatorConfig>, 'snapshot'>;
