import { flotillaVitest } from '../../vitest.preset.js';

// The end-to-end spec builds and runs a generated service in a copy of the workspace: minutes, not seconds.
export default flotillaVitest({ testTimeout: 30_000 });
