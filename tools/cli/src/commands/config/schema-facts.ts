/**
 * What a service's published JSON Schema (flotilla/schemas/<service>, the whole config object) says
 * about its keys: which it declares, and the default a service uses for a key nobody has set. zod's
 * `z.toJSONSchema` writes `.default(x)` as `"default": x` on the key's property.
 */

/** The keys the schema lists under its root `properties`, in the schema's order. */
export function declaredKeys(schema: object): string[] {
  const properties = (schema as { properties?: unknown }).properties;
  return isObject(properties) ? Object.keys(properties) : [];
}

export type KeyDefault =
  | { declared: false }
  | { declared: true; hasDefault: false }
  | { declared: true; hasDefault: true; value: unknown };

/** Whether the schema declares `key`, and its default if it gives one (also behind a local `$ref`). */
export function keyDefault(schema: object, key: string): KeyDefault {
  const properties = (schema as { properties?: unknown }).properties;
  if (!isObject(properties) || !Object.hasOwn(properties, key)) return { declared: false };
  const property = resolveLocalRef(schema, properties[key]);
  if (isObject(property) && Object.hasOwn(property, 'default')) {
    return { declared: true, hasDefault: true, value: property['default'] };
  }
  return { declared: true, hasDefault: false };
}

/** `{ "$ref": "#/$defs/port" }` → the definition (one level; zod inlines everything else). */
function resolveLocalRef(schema: object, property: unknown): unknown {
  if (!isObject(property) || Object.hasOwn(property, 'default')) return property;
  const ref = property['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return property;
  let at: unknown = schema;
  for (const segment of ref.slice(2).split('/')) {
    const name = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(at) || !Object.hasOwn(at, name)) return property;
    at = at[name];
  }
  return at;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
