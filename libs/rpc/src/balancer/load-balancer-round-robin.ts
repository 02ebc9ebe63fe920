import { clientIdFromJson, FlotillaLbConfig, FlotillaLoadBalancer } from './flotilla-load-balancer.js';
import { RoundRobinStrategy } from './pick-strategies.js';

/** Not `round_robin`: that name belongs to grpc-js's own policy, which we leave alone. */
export const FLOTILLA_ROUND_ROBIN = 'flotilla_round_robin';

export class RoundRobinConfig extends FlotillaLbConfig {
  getLoadBalancerName(): string {
    return FLOTILLA_ROUND_ROBIN;
  }
  static createFromJson(json: unknown): RoundRobinConfig {
    return new RoundRobinConfig(clientIdFromJson(FLOTILLA_ROUND_ROBIN, json));
  }
}

/** Round robin over connected endpoints whose breaker admits calls. */
export class RoundRobinLoadBalancer extends FlotillaLoadBalancer {
  protected readonly strategy = new RoundRobinStrategy();
  getTypeName(): string {
    return FLOTILLA_ROUND_ROBIN;
  }
}
