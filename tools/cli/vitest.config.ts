import { flotillaVitest } from '../../vitest.preset.js';

export default flotillaVitest();
