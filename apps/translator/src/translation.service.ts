import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { InjectConfig, RpcStatusError } from '@flotilla/nest';
import type { TranslateReply, TranslateRequest } from '@flotilla/proto';
import { translatePhrase } from './phrase-table.js';
import type { TranslatorConfigView } from './translator-config.js';

/** Translate, as the live config's `mode` says: at once, `slowMs` late, or failing with UNAVAILABLE. */
@Injectable()
export class TranslationService {
  constructor(@InjectConfig() private readonly config: TranslatorConfigView) {}

  /** `signal` is the call's: a hedged or cancelled call stops waiting in slow mode. */
  async translate(request: TranslateRequest, signal?: AbortSignal): Promise<TranslateReply> {
    // One snapshot per call: a config change mid-call does not mix old and new values.
    const { mode, slowMs } = this.config.snapshot();
    if (mode === 'failing') {
      throw new RpcStatusError(
        status.UNAVAILABLE,
        'translator is failing on purpose (config mode "failing")',
        {
          reason: 'FAILING_ON_PURPOSE',
        },
      );
    }
    const reply = translatePhrase(request.text, request.language);
    if (mode === 'slow') await slowly(slowMs, signal);
    return reply;
  }
}

async function slowly(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (signal?.aborted) throw new RpcStatusError(status.CANCELLED, 'cancelled while slow on purpose');
    throw error;
  }
}
