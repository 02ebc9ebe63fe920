import { clientIdFromJson, FlotillaLbConfig, FlotillaLoadBalancer } from './flotilla-load-balancer.js';
import { WeightedStrategy } from './pick-strategies.js';

export const FLOTILLA_WEIGHTED = 'flotilla_weighted';

export class WeightedConfig extends FlotillaLbConfig {
  getLoadBalancerName(): string {
    return FLOTILLA_WEIGHTED;
  }
  static createFromJson(json: unknown): WeightedConfig {
    return new WeightedConfig(clientIdFromJson(FLOTILLA_WEIGHTED, json));
  }
}

/** Smooth weighted round robin by the `weight` in each endpoint's registry metadata (default 1). */
export class WeightedLoadBalancer extends FlotillaLoadBalancer {
  protected readonly strategy = new WeightedStrategy();
  getTypeName(): string {
    return FLOTILLA_WEIGHTED;
  }
}
