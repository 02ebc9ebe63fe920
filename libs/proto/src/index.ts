export * from './gen/helloworld/v1/greeter.js';
export { PROTO_ROOT, protoFile } from './proto-files.js';
export * as raftV1 from './gen/flotilla/raft/v1/raft.js';
