import { type ViteUserConfig } from 'vitest/config';
/**
 * Shared vitest settings. SWC (not esbuild) transpiles so that `emitDecoratorMetadata` works:
 * NestJS dependency injection reads that metadata.
 */
export declare function flotillaVitest(overrides?: ViteUserConfig['test']): ViteUserConfig;
//# sourceMappingURL=vitest.preset.d.ts.map