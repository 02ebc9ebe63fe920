import { flotillaVitest } from '../vitest.preset.js';

// System tests start real processes (etcd, services, python); run files one at a time on 2 cores.
// The chaos run is timed against a fleet under injected faults: `npm test` runs it on its own
// (target test-chaos, FLOTILLA_SYSTEM_TESTS=chaos) after the parallel test step, so that another
// project's heavy tests (cold workspace builds) do not saturate the machine under it.
const chaosOnly = process.env['FLOTILLA_SYSTEM_TESTS'] === 'chaos';

export default flotillaVitest({
  fileParallelism: false,
  ...(chaosOnly
    ? { include: ['src/chaos/**/*.spec.ts'] }
    : { exclude: ['src/chaos/**', '**/node_modules/**'] }),
});
