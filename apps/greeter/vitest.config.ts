import { flotillaVitest } from '../../vitest.preset.js';

const config = flotillaVitest({ testTimeout: 90_000 });

// Vitest hands ssr.resolve.conditions to the worker as `node --conditions`, which also steers plain
// require(). With 'import' among them, protobufjs (under etcd3) require()s the ESM build of `long`,
// gets a namespace object instead of Long, and silently decodes int64 lease IDs as lossy doubles.
// Leaving 'import' out restores exact 64-bit lease IDs; Node adds 'import' to ESM imports anyway.
export default {
  ...config,
  ssr: { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions: ['@flotilla/source', 'node', 'default'] } },
};
