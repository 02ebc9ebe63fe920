import { z } from 'zod';
import { violation, type ConfigViolation } from '../guard/config-violation.js';
import { validateConfigValue } from '../guard/validate-config-value.js';
import { ConfigArgumentError } from '../errors.js';

/** A zod object schema whose every key has a default, so a service can start with nothing stored. */
export type ConfigSchema = z.ZodObject<z.ZodRawShape>;

export type ParsedValue = { ok: true; value: unknown } | { ok: false; violation: ConfigViolation };

/**
 * A service's schema in the forms the handle needs: the zod schema (typing and defaults), the JSON
 * Schema published for the store and tools, and a per-key check that gives the same violation text
 * as flotilla-store's guard.
 */
export class ServiceSchema<T extends Record<string, unknown>> {
  readonly jsonSchema: object;
  /** What is stored under flotilla/schemas/<service>; JSON.stringify of one schema is stable. */
  readonly jsonText: string;
  readonly defaults: T;
  readonly keys: readonly string[];
  private readonly shape: Record<string, z.ZodType>;

  constructor(
    readonly service: string,
    readonly schema: ConfigSchema,
  ) {
    if (!(schema instanceof z.ZodObject))
      throw new ConfigArgumentError(
        `defineConfig("${service}"): the schema must be a zod object (z.object({...}))`,
      );
    this.shape = schema.shape as Record<string, z.ZodType>;
    this.keys = Object.keys(this.shape);
    const defaults = schema.safeParse({});
    if (!defaults.success) {
      const keys = [...new Set(defaults.error.issues.map((i) => String(i.path[0] ?? '')))];
      throw new ConfigArgumentError(
        `defineConfig("${service}"): every key needs a default (.default(...)); missing for ${keys.join(', ')}`,
      );
    }
    this.defaults = defaults.data as T;
    try {
      this.jsonSchema = z.toJSONSchema(schema);
    } catch (error) {
      throw new ConfigArgumentError(
        `defineConfig("${service}"): the schema cannot be published as JSON Schema: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.jsonText = JSON.stringify(this.jsonSchema);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.shape, key);
  }

  /** The typed value of `key` from its stored JSON text, or the violation that keeps it out. */
  parse(key: string, text: string): ParsedValue {
    const broken = validateConfigValue(this.jsonSchema, key, text);
    if (broken) return { ok: false, violation: broken };
    const field = this.shape[key];
    if (!field) return { ok: false, violation: violation(key, '', 'unknown key: not in the service schema') };
    // The JSON Schema cannot express every zod check (refinements); zod has the last word.
    const result = field.safeParse(JSON.parse(text));
    if (result.success) return { ok: true, value: result.data };
    const issue = result.error.issues[0];
    if (!issue) return { ok: false, violation: violation(key, '', 'zod: rejected') };
    const path = issue.path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    return { ok: false, violation: violation(key, path, `${issue.code}: ${issue.message}`) };
  }
}
