export * from './gen/helloworld/v1/greeter.js';
// ts-proto calls every file's schema (FileDescriptorProto, codecs by type name) `protoMetadata`;
// each is exported under its file's name, for reflection and partial requests.
export { protoMetadata as greeterSchema } from './gen/helloworld/v1/greeter.js';
// translator.v1.Translator, named one by one: a second `export *` would clash with greeter's
// per-file helpers (protoMetadata, DeepPartial, MessageFns, ...).
export {
  TranslateRequest,
  TranslateReply,
  TranslatorService,
  TranslatorClient,
  type TranslatorServer,
  protoMetadata as translatorSchema,
} from './gen/translator/v1/translator.js';
export { PROTO_ROOT, protoFile } from './proto-files.js';
export * as raftV1 from './gen/flotilla/raft/v1/raft.js';
/** etcd's v3 API (vendored under proto/etcd, Apache-2.0): served by flotilla-store. */
export * as etcdserverpb from './gen/etcd/etcdserverpb/rpc.js';
export * as mvccpb from './gen/etcd/mvccpb/kv.js';
export * as authpb from './gen/etcd/authpb/auth.js';
