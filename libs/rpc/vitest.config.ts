import { flotillaVitest } from '../../vitest.preset.js';

// Integration specs start etcd and greeter processes; run files one at a time so that the
// statistical assertions are not skewed by other specs competing for the two CPU cores.
export default flotillaVitest({ fileParallelism: false, testTimeout: 60_000, hookTimeout: 120_000 });
