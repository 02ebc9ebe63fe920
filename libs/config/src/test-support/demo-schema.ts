import { z } from 'zod';

/** The schema the integration tests' services use (fixtures/config-watcher.mjs restates it). */
export const demoSchema = z.object({
  greeting: z.string().min(1).default('Hello, {name}'),
  retries: z.number().int().min(0).max(10).default(3),
  limits: z
    .object({ rps: z.number().positive(), burst: z.number().int().min(1) })
    .default({ rps: 5, burst: 10 }),
  step: z.number().int().min(0).default(0),
});

export type DemoConfig = z.output<typeof demoSchema>;
