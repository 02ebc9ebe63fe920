export { GreeterModule, GREETER_VERSION } from './greeter.module.js';
export { GreeterController } from './greeter.controller.js';
export { GreetingService } from './greeting.service.js';
export { greeterConfig, type GreeterConfig } from './greeter-config.js';

/** The proto service the greeter serves. */
export const GREETER_SERVICE = 'helloworld.v1.Greeter';
