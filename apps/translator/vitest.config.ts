import { flotillaVitest } from '../../vitest.preset.js';

export default flotillaVitest({ testTimeout: 90_000 });
