import { flotillaVitest } from '../../vitest.preset.js';

export default flotillaVitest({ testTimeout: 60_000 });
