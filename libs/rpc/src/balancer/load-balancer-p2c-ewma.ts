import { clientIdFromJson, FlotillaLbConfig, FlotillaLoadBalancer } from './flotilla-load-balancer.js';
import { P2cEwmaStrategy } from './pick-strategies.js';

export const P2C_EWMA = 'p2c_ewma';

export class P2cEwmaConfig extends FlotillaLbConfig {
  getLoadBalancerName(): string {
    return P2C_EWMA;
  }
  static createFromJson(json: unknown): P2cEwmaConfig {
    return new P2cEwmaConfig(clientIdFromJson(P2C_EWMA, json));
  }
}

/** Power of two choices over EWMA latency x (in-flight + 1), with error penalty and breakers. */
export class P2cEwmaLoadBalancer extends FlotillaLoadBalancer {
  protected readonly strategy = new P2cEwmaStrategy();
  getTypeName(): string {
    return P2C_EWMA;
  }
}
