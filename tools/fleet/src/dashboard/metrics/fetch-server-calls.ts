import { parsePrometheusText } from './prometheus-text.js';
import { type ServerCalls, serverCalls } from './server-calls.js';

/** Scrapes one instance's Prometheus endpoint; rejects with a message naming the URL and the problem. */
export async function fetchServerCalls(url: string, timeoutMs: number): Promise<ServerCalls> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`GET ${url} failed: ${cause ?? (error as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  try {
    return serverCalls(parsePrometheusText(await response.text()));
  } catch (error) {
    throw new Error(`GET ${url}: ${(error as Error).message}`);
  }
}
