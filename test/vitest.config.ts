import { flotillaVitest } from '../vitest.preset.js';

// System tests start real processes (etcd, services, python); run files one at a time on 2 cores.
export default flotillaVitest({ fileParallelism: false });
