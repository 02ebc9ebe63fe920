export { startGateway, runGateway, type GatewayOptions, type RunningGateway } from './run-gateway.js';
export { GatewayModule } from './gateway.module.js';
export { gatewaySettings, GATEWAY_DEFAULT_PORT, type GatewaySettings } from './gateway-settings.js';
export { httpStatusOf, grpcCodeName } from './grpc-http-status.js';
export { errorResponse } from './gateway-error.filter.js';
export { HttpStats, type HttpStatsSnapshot } from './stats/http-stats.js';
export type { GatewayStats } from './stats/stats.controller.js';
export { GREETER_RPC } from './greeter-client.js';
