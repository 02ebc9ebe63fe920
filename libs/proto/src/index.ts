export * from './gen/helloworld/v1/greeter.js';
export { PROTO_ROOT, protoFile } from './proto-files.js';
