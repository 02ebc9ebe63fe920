import { flotillaVitest } from '../../vitest.preset.js';

// Integration specs start etcd and service processes; one file at a time on the shared 2 cores.
export default flotillaVitest({ fileParallelism: false, testTimeout: 90_000, hookTimeout: 120_000 });
