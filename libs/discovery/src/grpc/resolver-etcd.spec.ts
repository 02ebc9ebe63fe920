import type { Discovery } from '../discovery.js';
import type { ServiceEndpoint } from '../naming/endpoint-codec.js';
import type { ResolutionSink, ResolvedAddress } from './grpc-experimental.js';
import { EtcdResolver, MIN_REFRESH_INTERVAL_MS } from './resolver-etcd.js';

// Unit test of the resolver alone: the Discovery it reads from is a stand-in with one listener.
function setup() {
  let listener: ((endpoints: ServiceEndpoint[]) => void) | undefined;
  const discovery = {
    prefix: 'flotilla/services',
    subscribe: (_service: string, onUpdate: (endpoints: ServiceEndpoint[]) => void) => {
      listener = onUpdate;
      return () => (listener = undefined);
    },
  } as unknown as Discovery;
  const updates: (readonly ResolvedAddress[])[] = [];
  const sink: ResolutionSink = { update: (addresses) => updates.push(addresses), error: () => undefined };
  const resolver = new EtcdResolver(discovery, 'greeter', sink, null);
  const endpoint: ServiceEndpoint = {
    service: 'greeter',
    instanceId: 'a',
    address: '127.0.0.1:5000',
    metadata: {},
    key: 'flotilla/services/greeter/a',
  };
  return { resolver, updates, push: (e: ServiceEndpoint[]) => listener?.(e), endpoint };
}

describe('EtcdResolver re-resolution', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers a burst of refresh requests once, later, and then at most once per interval', async () => {
    const { resolver, updates, push, endpoint } = setup();
    push([endpoint]);
    expect(updates).toHaveLength(1);

    for (let i = 0; i < 100; i++) resolver.refresh();
    expect(updates).toHaveLength(1); // never in the caller's stack
    await vi.advanceTimersByTimeAsync(0);
    expect(updates).toHaveLength(2);

    resolver.refresh();
    await vi.advanceTimersByTimeAsync(MIN_REFRESH_INTERVAL_MS - 1);
    expect(updates).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(updates).toHaveLength(3);
    resolver.destroy();
  });

  it('still reports watch changes at once, and nothing after destroy', async () => {
    const { resolver, updates, push, endpoint } = setup();
    push([endpoint]);
    push([endpoint, { ...endpoint, instanceId: 'b', address: '127.0.0.1:5001' }]);
    expect(updates.map((u) => u.length)).toEqual([1, 2]);
    resolver.refresh();
    resolver.destroy();
    await vi.advanceTimersByTimeAsync(MIN_REFRESH_INTERVAL_MS * 2);
    expect(updates).toHaveLength(2);
  });
});
