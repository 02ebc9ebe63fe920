import { parseRunState, type RunState } from '../dashboard/sources/run-state.js';

export type InstanceAction = 'kill' | 'pause' | 'resume' | 'restart';

/** The running fleet's control API (JSON over HTTP on 127.0.0.1; its URL is `control` in fleet.json). */
export class ControlClient {
  constructor(
    private readonly base: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async state(): Promise<RunState> {
    const text = await this.request('GET', '/api/state');
    const { state, error } = parseRunState(text);
    if (!state) throw new Error(`GET ${this.base}/api/state: ${error ?? 'no state'}`);
    return state;
  }

  async act(instanceId: string, action: InstanceAction): Promise<void> {
    await this.request('POST', `/api/instances/${encodeURIComponent(instanceId)}/${action}`);
  }

  private async request(method: string, path: string): Promise<string> {
    const url = new URL(path, this.base).toString();
    let response: Response;
    try {
      response = await fetch(url, { method, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`${method} ${url} failed: ${cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.trim()}`);
    return text;
  }
}
