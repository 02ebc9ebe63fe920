import * as x from './grpc-lb.js';
import type { PolicyName } from '../config/rpc-config.js';
import { P2C_EWMA, P2cEwmaConfig, P2cEwmaLoadBalancer } from './load-balancer-p2c-ewma.js';
import {
  FLOTILLA_ROUND_ROBIN,
  RoundRobinConfig,
  RoundRobinLoadBalancer,
} from './load-balancer-round-robin.js';
import { FLOTILLA_WEIGHTED, WeightedConfig, WeightedLoadBalancer } from './load-balancer-weighted.js';

/** The grpc-js LB type registered for each policy name a service config may choose. */
export const LB_TYPE_OF_POLICY: Readonly<Record<PolicyName, string>> = {
  p2c_ewma: P2C_EWMA,
  round_robin: FLOTILLA_ROUND_ROBIN,
  weighted: FLOTILLA_WEIGHTED,
};

let registered = false;

/** Registers the Flotilla LB policies with grpc-js (once; createClient calls it). */
export function registerLoadBalancers(): void {
  if (registered) return;
  registered = true;
  x.registerLoadBalancerType(P2C_EWMA, P2cEwmaLoadBalancer, P2cEwmaConfig);
  x.registerLoadBalancerType(FLOTILLA_ROUND_ROBIN, RoundRobinLoadBalancer, RoundRobinConfig);
  x.registerLoadBalancerType(FLOTILLA_WEIGHTED, WeightedLoadBalancer, WeightedConfig);
}
