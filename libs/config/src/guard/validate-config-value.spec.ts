import { z } from 'zod';
import {
  ConfigGuard,
  ConfigSchemaError,
  configKey,
  configServicePrefix,
  parseConfigKey,
  parseConfigSchema,
  schemaKey,
  validateConfigValue,
} from './index.js';

const schema = z.toJSONSchema(
  z.object({
    greeting: z.string().min(1).default('Hello, {name}'),
    retries: z.number().int().min(0).max(10).default(3),
    limits: z
      .object({ rps: z.number().positive(), burst: z.array(z.number().int()) })
      .default({ rps: 5, burst: [] }),
  }),
);

describe('validateConfigValue', () => {
  it('accepts a valid value of each key', () => {
    expect(validateConfigValue(schema, 'greeting', '"Hi, {name}"')).toBeUndefined();
    expect(validateConfigValue(schema, 'retries', '10')).toBeUndefined();
    expect(validateConfigValue(schema, 'limits', '{"rps":1.5,"burst":[1,2]}')).toBeUndefined();
  });

  it('names the key, the path inside the value and the rule', () => {
    expect(validateConfigValue(schema, 'retries', '11')).toEqual({
      key: 'retries',
      path: '',
      rule: 'maximum: must be <= 10',
      message: 'config key "retries" is invalid at the whole value: maximum: must be <= 10',
    });
    expect(validateConfigValue(schema, 'limits', '{"rps":0,"burst":[]}')).toMatchObject({
      path: '/rps',
      rule: 'exclusiveMinimum: must be > 0',
    });
    expect(validateConfigValue(schema, 'limits', '{"rps":1,"burst":[1,2.5]}')).toMatchObject({
      path: '/burst/1',
      rule: 'type: must be integer',
    });
    const missing = validateConfigValue(schema, 'limits', '{"rps":1}');
    expect(missing).toMatchObject({ path: '', rule: "required: must have required property 'burst'" });
    const extra = validateConfigValue(schema, 'limits', '{"rps":1,"burst":[],"x":1}');
    expect(extra?.path).toBe('/x');
    expect(extra?.rule).toMatch(/^additionalProperties: must NOT have additional properties/);
    expect(extra?.message).toContain('config key "limits" is invalid at /x: additionalProperties');
  });

  it('reports malformed JSON as rule "json"', () => {
    const v = validateConfigValue(schema, 'greeting', 'Hello');
    expect(v?.path).toBe('');
    expect(v?.rule).toMatch(/^json: /);
    expect(v?.message).toMatch(/^config key "greeting" is invalid at the whole value: json: /);
  });

  it('refuses a key the schema does not list only when it forbids unknown keys', () => {
    expect(validateConfigValue(schema, 'colour', '"red"')?.rule).toMatch(
      /^additionalProperties: .*"colour" is not a key of this service's schema/,
    );
    const open = { type: 'object', properties: { a: { type: 'number' } } };
    expect(validateConfigValue(open, 'colour', '"red"')).toBeUndefined();
    const typed = { type: 'object', properties: {}, additionalProperties: { type: 'number' } };
    expect(validateConfigValue(typed, 'colour', '"red"')?.rule).toBe('type: must be number');
  });

  it('follows $ref into $defs at the root', () => {
    const withDefs = {
      type: 'object',
      properties: { port: { $ref: '#/$defs/port' } },
      $defs: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
    };
    expect(validateConfigValue(withDefs, 'port', '0')?.rule).toBe('minimum: must be >= 1');
    expect(validateConfigValue(withDefs, 'port', '80')).toBeUndefined();
  });

  it('checks many values against one schema with ConfigGuard, and refuses a bad schema up front', () => {
    const guard = new ConfigGuard(schema);
    expect(guard.validate('retries', '-1')?.rule).toBe('minimum: must be >= 0');
    expect(() => new ConfigGuard({ type: 5 })).toThrow(ConfigSchemaError);
    expect(() => new ConfigGuard([] as unknown as object)).toThrow(
      'config schema must be a JSON object, got an array',
    );
  });

  it('parses stored schema text, naming what is wrong', () => {
    expect(parseConfigSchema(JSON.stringify(schema))).toEqual(schema);
    expect(() => parseConfigSchema('{not json')).toThrow(/^config schema is not JSON: /);
    expect(() => parseConfigSchema('"text"')).toThrow('config schema must be a JSON object, got string');
    expect(() => parseConfigSchema('{"type":"object","properties":{"a":{"minimum":"x"}}}')).toThrow(
      /config schema is not a valid JSON Schema \(draft 2020-12\): .*minimum/,
    );
  });
});

describe('key layout', () => {
  it('builds and parses the agreed keys', () => {
    expect(configKey('greeter', 'greeting')).toBe('flotilla/config/greeter/greeting');
    expect(configServicePrefix('greeter')).toBe('flotilla/config/greeter/');
    expect(schemaKey('greeter')).toBe('flotilla/schemas/greeter');
    expect(parseConfigKey('flotilla/config/greeter/greeting')).toEqual({
      service: 'greeter',
      key: 'greeting',
    });
    expect(parseConfigKey('flotilla/config/greeter/')).toBeUndefined();
    expect(parseConfigKey('flotilla/config/greeter')).toBeUndefined();
    expect(parseConfigKey('flotilla/config/greeter/a/b')).toBeUndefined();
    expect(parseConfigKey('flotilla/schemas/greeter')).toBeUndefined();
    expect(() => configKey('', 'a')).toThrow(
      'config service name must be a non-empty string without "/", got ""',
    );
    expect(() => configKey('greeter', 'a/b')).toThrow(/config key name must be/);
  });
});
