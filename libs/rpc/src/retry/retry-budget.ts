/**
 * gRPC's `retryThrottling` token bucket, shared by every call of one client. The bucket starts
 * full (`maxTokens`); each failed attempt takes a token, each successful one puts back
 * `tokenRatio`; retries and hedges are allowed only while more than half the tokens are left. So
 * when every endpoint fails, retries stop after about maxTokens / 2 failures and stay stopped until
 * successes refill the bucket: retries cannot multiply an outage's load.
 */
export class RetryBudget {
  private tokens: number;
  /** Retries refused for want of tokens (reported by client stats). */
  throttled = 0;

  constructor(
    private readonly maxTokens: number,
    private readonly tokenRatio: number,
  ) {
    this.tokens = maxTokens;
  }

  get available(): number {
    return this.tokens;
  }

  recordSuccess(): void {
    this.tokens = Math.min(this.maxTokens, this.tokens + this.tokenRatio);
  }

  recordFailure(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }

  /** May one more attempt (retry or hedge) go out? Counts a refusal. */
  allowRetry(): boolean {
    if (this.tokens > this.maxTokens / 2) return true;
    this.throttled += 1;
    return false;
  }
}
