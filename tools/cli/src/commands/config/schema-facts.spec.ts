import { declaredKeys, keyDefault } from './schema-facts.js';

// The shape z.toJSONSchema gives a z.object whose keys have .default(...).
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    template: { default: 'Hello, {name}', type: 'string', maxLength: 512 },
    limits: { default: { rps: 5 }, type: 'object', properties: { rps: { type: 'number' } } },
    off: { default: false, type: 'boolean' },
    motto: { type: 'string' },
    port: { $ref: '#/$defs/port' },
  },
  $defs: { port: { type: 'integer', default: 8080 } },
  required: ['template', 'limits', 'off', 'port'],
  additionalProperties: false,
};

describe('schema facts', () => {
  it('lists the declared keys in the schema order', () => {
    expect(declaredKeys(schema)).toEqual(['template', 'limits', 'off', 'motto', 'port']);
    expect(declaredKeys({ type: 'object' })).toEqual([]);
  });

  it("gives a declared key's default, also a falsy one or one behind a local $ref", () => {
    expect(keyDefault(schema, 'template')).toEqual({
      declared: true,
      hasDefault: true,
      value: 'Hello, {name}',
    });
    expect(keyDefault(schema, 'limits')).toEqual({ declared: true, hasDefault: true, value: { rps: 5 } });
    expect(keyDefault(schema, 'off')).toEqual({ declared: true, hasDefault: true, value: false });
    expect(keyDefault(schema, 'port')).toEqual({ declared: true, hasDefault: true, value: 8080 });
  });

  it('tells a declared key without a default from an undeclared one', () => {
    expect(keyDefault(schema, 'motto')).toEqual({ declared: true, hasDefault: false });
    expect(keyDefault(schema, 'colour')).toEqual({ declared: false });
    // Inherited names are not keys.
    expect(keyDefault(schema, 'constructor')).toEqual({ declared: false });
  });
});
