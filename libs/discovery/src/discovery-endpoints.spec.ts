import { type EtcdCluster, freePort, REGISTRY_BINARIES, startEtcdCluster } from '@flotilla/testing';
import { createDiscovery, type Discovery } from './discovery.js';
import { exerciseDiscovery } from './test-support/exercise-discovery.js';

describe.each(REGISTRY_BINARIES)('discovery with several endpoints of %s', (binary) => {
  let cluster: EtcdCluster | undefined;
  const discoveries: Discovery[] = [];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 3 });
  });
  afterAll(async () => {
    for (const d of discoveries.splice(0)) await d.close().catch(() => undefined);
    await cluster?.stop();
  });

  it('works through the live members when the first endpoint has nothing listening', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const endpoints = [dead, ...cluster!.endpoints];
    const discovery = await createDiscovery({ endpoints, connectTimeoutMs: 3000 });
    discoveries.push(discovery);
    expect(discovery.endpoints).toEqual(endpoints);
    await exerciseDiscovery(discovery, 'dead-first', `${binary}-dead-first`);
    // Every call succeeds, not just the lucky ones: each fails over past the dead member.
    for (let i = 0; i < 20; i++) expect(await discovery.list('dead-first')).toEqual([]);
  });

  it('works with only one live endpoint after a dead one, given as a comma-separated string', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const discovery = await createDiscovery({
      endpoints: `${dead}, ${cluster!.endpoints[1]}`,
      connectTimeoutMs: 3000,
    });
    discoveries.push(discovery);
    expect(discovery.endpoints).toEqual([`http://${dead}`, cluster!.endpoints[1]]);
    await exerciseDiscovery(discovery, 'dead-first-2', `${binary}-dead-first-2`);
  });
});
