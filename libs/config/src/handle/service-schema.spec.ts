import { z } from 'zod';
import { ConfigArgumentError } from '../errors.js';
import { ServiceSchema } from './service-schema.js';

describe('ServiceSchema', () => {
  it('refuses a schema with keys lacking defaults, naming them', () => {
    const schema = z.object({ a: z.number(), b: z.string().default('x'), c: z.boolean() });
    expect(() => new ServiceSchema('svc', schema)).toThrow(ConfigArgumentError);
    expect(() => new ServiceSchema('svc', schema)).toThrow(
      'defineConfig("svc"): every key needs a default (.default(...)); missing for a, c',
    );
  });

  it('refuses what is not a zod object', () => {
    expect(() => new ServiceSchema('svc', z.string() as unknown as z.ZodObject)).toThrow(
      'defineConfig("svc"): the schema must be a zod object (z.object({...}))',
    );
  });

  it('lets zod refinements the JSON Schema cannot express have the last word', () => {
    const schema = new ServiceSchema(
      'svc',
      z.object({
        even: z
          .number()
          .refine((n) => n % 2 === 0, 'must be even')
          .default(0),
      }),
    );
    expect(schema.parse('even', '4')).toEqual({ ok: true, value: 4 });
    expect(schema.parse('even', '3')).toMatchObject({
      ok: false,
      violation: { key: 'even', path: '', rule: 'custom: must be even' },
    });
  });
});
