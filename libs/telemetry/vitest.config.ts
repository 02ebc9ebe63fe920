import { flotillaVitest } from '../../vitest.preset.js';

// Integration specs start service processes and an OTLP receiver; one file at a time on the shared cores.
export default flotillaVitest({ fileParallelism: false, testTimeout: 90_000, hookTimeout: 120_000 });
