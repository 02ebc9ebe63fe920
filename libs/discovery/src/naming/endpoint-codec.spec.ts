import {
  decodeEndpoint,
  decodeEndpointValue,
  encodeEndpointValue,
  instanceKey,
  parseInstanceKey,
  serviceKeyPrefix,
} from './endpoint-codec.js';

describe('endpoint codec (etcd gRPC naming format)', () => {
  it('lays keys out as <prefix>/<service>/<instanceId>', () => {
    expect(instanceKey('flotilla/services', 'greeter', 'g-1')).toBe('flotilla/services/greeter/g-1');
    expect(serviceKeyPrefix('flotilla/services', 'greeter')).toBe('flotilla/services/greeter/');
    expect(parseInstanceKey('flotilla/services', 'flotilla/services/greeter/g-1')).toEqual({
      service: 'greeter',
      instanceId: 'g-1',
    });
    expect(parseInstanceKey('flotilla/services', 'flotilla/services/greeter')).toBeUndefined();
    expect(parseInstanceKey('flotilla/services', 'other/greeter/g-1')).toBeUndefined();
  });

  it('encodes the exact JSON Go json.Marshal writes for internal.Update, with Metadata as a JSON string', () => {
    const value = encodeEndpointValue('127.0.0.1:50051', { version: '1.2.3', zone: 'z1', weight: 3 });
    expect(value).toBe(
      '{"Op":0,"Addr":"127.0.0.1:50051","Metadata":"{\\"version\\":\\"1.2.3\\",\\"zone\\":\\"z1\\",\\"weight\\":3}"}',
    );
    const parsed = JSON.parse(value) as { Op: number; Addr: string; Metadata: unknown };
    expect(Object.keys(parsed)).toEqual(['Op', 'Addr', 'Metadata']);
    // A string, never an object: grpc-go hashes Metadata, and a Go map is unhashable.
    expect(typeof parsed.Metadata).toBe('string');
    expect(JSON.parse(parsed.Metadata as string)).toEqual({ version: '1.2.3', zone: 'z1', weight: 3 });
  });

  it('round-trips', () => {
    const metadata = { version: '2', zone: 'eu', weight: 1, extra: { nested: [1, 2] } };
    expect(decodeEndpointValue(encodeEndpointValue('[::1]:8080', metadata))).toEqual({
      address: '[::1]:8080',
      metadata,
    });
  });

  it.each([
    ['Go endpoints manager with no Metadata', '{"Op":0,"Addr":"10.0.0.1:9000","Metadata":null}', {}],
    [
      'Go endpoints manager with a string Metadata',
      '{"Op":0,"Addr":"10.0.0.1:9000","Metadata":"go-v1"}',
      { value: 'go-v1' },
    ],
    [
      'a writer that used a JSON object',
      '{"Op":0,"Addr":"10.0.0.1:9000","Metadata":{"zone":"z9"}}',
      { zone: 'z9' },
    ],
    ['no Op field', '{"Addr":"10.0.0.1:9000"}', {}],
  ])('decodes %s', (_label, value, metadata) => {
    expect(decodeEndpointValue(value)).toEqual({ address: '10.0.0.1:9000', metadata });
  });

  it.each([
    ['not JSON', 'hello'],
    ['a Delete update', '{"Op":1,"Addr":"10.0.0.1:9000"}'],
    ['no address', '{"Op":0}'],
    ['a bad address', '{"Op":0,"Addr":"nohostport"}'],
    ['an array', '[1]'],
  ])('ignores %s', (_label, value) => {
    expect(decodeEndpointValue(value)).toBeUndefined();
  });

  it('decodes a key/value pair into an endpoint', () => {
    expect(
      decodeEndpoint(
        'flotilla/services',
        'flotilla/services/greeter/a',
        encodeEndpointValue('127.0.0.1:1', { zone: 'z' }),
      ),
    ).toEqual({
      service: 'greeter',
      instanceId: 'a',
      address: '127.0.0.1:1',
      metadata: { zone: 'z' },
      key: 'flotilla/services/greeter/a',
    });
  });

  it.each([
    [() => encodeEndpointValue('localhost', {}), 'address "localhost" is not "host:port"'],
    [() => encodeEndpointValue('h:0', {}), 'address "h:0" has port 0; it must be from 1 to 65535'],
    [() => encodeEndpointValue('h:1', { weight: 0 }), 'metadata.weight must be a positive integer, got 0'],
    [() => encodeEndpointValue('h:1', { zone: 5 as unknown as string }), 'metadata.zone must be a string'],
    [() => instanceKey('p', '', 'a'), 'service name must be a non-empty string'],
    [() => instanceKey('p', 'a/b', 'a'), 'service name "a/b" may only contain'],
    [() => instanceKey('p', 'svc', ''), 'instanceId must be a non-empty string'],
  ])('rejects bad input with a message naming it (%#)', (fn, message) => {
    expect(fn).toThrow(message);
  });
});
