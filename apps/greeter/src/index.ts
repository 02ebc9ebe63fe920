export { startGreeter, type RunningGreeter } from './start-greeter.js';
export { loadConfig, DEFAULT_CONFIG, type GreeterConfig } from './config.js';
export { GREETER_SERVICE } from './grpc-options.js';
