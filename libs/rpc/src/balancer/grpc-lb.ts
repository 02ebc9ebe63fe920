/**
 * The one file of this package that touches grpc-js's `experimental` load-balancer API. It is not
 * covered by semver and changed shape in 1.14 (policies take endpoint lists and StatusOr values);
 * grpc-js is pinned to 1.14.7 and is a peer dependency, so this package sees the application's
 * copy. When grpc-js moves, only this file should need to change.
 */
import { experimental } from '@grpc/grpc-js';

export const registerLoadBalancerType = experimental.registerLoadBalancerType;
export const createChildChannelControlHelper = experimental.createChildChannelControlHelper;
export const LeafLoadBalancer = experimental.LeafLoadBalancer;
export const QueuePicker = experimental.QueuePicker;
export const PickResultType = experimental.PickResultType;
export const subchannelAddressToString = experimental.subchannelAddressToString;

export type LoadBalancer = experimental.LoadBalancer;
export type ChannelControlHelper = experimental.ChannelControlHelper;
export type TypedLoadBalancingConfig = experimental.TypedLoadBalancingConfig;
export type LeafLoadBalancer = experimental.LeafLoadBalancer;
export type Picker = experimental.Picker;
export type PickArgs = experimental.PickArgs;
export type PickResult = experimental.PickResult;
export type Endpoint = experimental.Endpoint;
export type StatusOr<T> = experimental.StatusOr<T>;
export type SubchannelInterface = experimental.SubchannelInterface;

/**
 * Ends a subchannel's reconnect backoff: if it is waiting to retry a failed connection, it
 * connects now. (grpc-js keeps the backoff in the shared real subchannel behind the wrapper.)
 */
export function resetSubchannelBackoff(subchannel: SubchannelInterface): void {
  subchannel.getRealSubchannel().resetBackoff();
}
