import { createDiscovery, type Discovery } from '@flotilla/discovery';
import {
  type OtlpReceiver,
  parsePrometheusSamples,
  type ReceivedSpan,
  SPAN_KIND,
  SPAN_STATUS,
  startOtlpReceiver,
} from '@flotilla/telemetry/testing';
import { type EtcdCluster, freePort, startEtcdCluster, waitFor } from '@flotilla/testing';
import { GREETER_MAIN, SampleFleet, TRANSLATOR_MAIN } from './test-support/sample-fleet.js';

const SAY_HELLO = 'helloworld.v1.Greeter/SayHello';
const TRANSLATE = 'translator.v1.Translator/Translate';

/** The five spans of one `GET /hello/<name>?lang=fr`, gateway to translator, as they link. */
interface HelloTrace {
  http: ReceivedSpan;
  gatewayClient: ReceivedSpan;
  greeterServer: ReceivedSpan;
  greeterClient: ReceivedSpan;
  translatorServer: ReceivedSpan;
}

/**
 * The sample fleet as processes (a 1-member flotilla-store, a translator, a greeter, the gateway),
 * each exporting OTLP/HTTP JSON to a receiver this test runs: a call to the gateway over HTTP is
 * one trace through all three services, the gateway's HTTP span at its root.
 */
describe('gateway → greeter → translator: one trace (real processes, OTLP receiver)', () => {
  let receiver: OtlpReceiver;
  let cluster: EtcdCluster;
  let discovery: Discovery;
  let fleet: SampleFleet;
  let gatewayUrl: string;
  let metricsUrl: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    fleet = new SampleFleet(cluster.endpoints);
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    };
    // One instance each: every hop has a single place to go.
    await Promise.all([
      fleet.start(TRANSLATOR_MAIN, 'translator', 'translator-1', { env }),
      fleet.start(GREETER_MAIN, 'greeter', 'greeter-1', { env }),
    ]);
    await waitFor(
      async () =>
        (await discovery.list('greeter')).length === 1 && (await discovery.list('translator')).length === 1,
      { timeoutMs: 30_000, what: `the greeter and the translator to register:\n${fleet.outputs()}` },
    );
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    gatewayUrl = (
      await fleet.startGateway('gateway-1', { ...env, FLOTILLA_METRICS_PORT: String(metricsPort) })
    ).url;
    // Connections from the gateway to the greeter and from the greeter to the translator are
    // made by this first call, so the traced calls below are not slow enough to be hedged.
    expect((await fetch(`${gatewayUrl}/hello/Warm?lang=fr`)).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await discovery?.close();
    await fleet?.stopAll('SIGKILL');
    await cluster?.stop();
    await receiver?.close();
  });

  /** Waits for the five linked spans of the request for `/hello/<name>` (a hedged extra attempt aside). */
  function helloTrace(name: string): Promise<HelloTrace> {
    const path = `/hello/${name}`;
    return waitFor(
      () => {
        const spans = receiver.spans();
        const http = spans.find(
          (s) => s.service === 'gateway' && s.kind === SPAN_KIND.SERVER && s.attributes['url.path'] === path,
        );
        const childOf = (parent: ReceivedSpan | undefined, service: string, kind: number) =>
          parent &&
          spans.find(
            (s) =>
              s.parentSpanId === parent.spanId &&
              s.service === service &&
              s.kind === kind &&
              s.attributes['rpc.response.status_code'] === 'OK',
          );
        const gatewayClient = childOf(http, 'gateway', SPAN_KIND.CLIENT);
        const greeterServer = childOf(gatewayClient, 'greeter', SPAN_KIND.SERVER);
        const greeterClient = childOf(greeterServer, 'greeter', SPAN_KIND.CLIENT);
        const translatorServer = childOf(greeterClient, 'translator', SPAN_KIND.SERVER);
        if (!http || !gatewayClient || !greeterServer || !greeterClient || !translatorServer)
          return undefined;
        return { http, gatewayClient, greeterServer, greeterClient, translatorServer };
      },
      { timeoutMs: 20_000, intervalMs: 50, what: `the spans of GET ${path} from the three services` },
    );
  }

  it('GET /hello/Ada?lang=fr is one trace: HTTP SERVER → CLIENT → greeter SERVER → CLIENT → translator SERVER', async () => {
    // Not traced (operational polling), sent before the call so it would be exported first.
    expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
    const response = await fetch(`${gatewayUrl}/hello/Ada?lang=fr`);
    expect(await response.json()).toEqual({ message: 'Bonjour Ada' });

    const trace = await helloTrace('Ada');
    const { http, gatewayClient, greeterServer, greeterClient, translatorServer } = trace;
    const chain = [http, gatewayClient, greeterServer, greeterClient, translatorServer];
    expect(new Set(chain.map((s) => s.traceId)).size).toBe(1);
    // No caller's trace context: the gateway's HTTP span is the root.
    expect(http.parentSpanId).toBeUndefined();
    expect(
      receiver.spans().filter((s) => s.traceId === http.traceId && s.service === 'gateway'),
    ).toHaveLength(2);

    expect(http).toMatchObject({ name: 'GET /hello/:name', kind: SPAN_KIND.SERVER });
    expect(http.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/hello/:name',
      'http.response.status_code': 200,
      'url.path': '/hello/Ada',
      'url.query': 'lang=fr',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(gatewayUrl).port),
    });
    expect(http.statusCode).not.toBe(SPAN_STATUS.ERROR);

    for (const [span, method] of [
      [gatewayClient, SAY_HELLO],
      [greeterServer, SAY_HELLO],
      [greeterClient, TRANSLATE],
      [translatorServer, TRANSLATE],
    ] as const) {
      expect(span.name).toBe(method);
      expect(span.attributes).toMatchObject({
        'rpc.system.name': 'grpc',
        'rpc.method': method,
        'rpc.response.status_code': 'OK',
      });
      expect(span.statusCode).not.toBe(SPAN_STATUS.ERROR);
    }
    // The client span names the endpoint that answered: the greeter's registered address.
    const [greeter] = await discovery.list('greeter');
    expect(`${gatewayClient.attributes['server.address']}:${gatewayClient.attributes['server.port']}`).toBe(
      greeter!.address,
    );

    expect(receiver.spans().some((s) => s.attributes['url.path'] === '/healthz')).toBe(false);
  });

  it("continues the caller's W3C traceparent: the gateway's HTTP span is its child, the rest follows", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const response = await fetch(`${gatewayUrl}/hello/Bo?lang=fr`, {
      headers: { traceparent: `00-${traceId}-${parentId}-01` },
    });
    expect(response.status).toBe(200);
    const { http, translatorServer } = await helloTrace('Bo');
    expect(http.traceId).toBe(traceId);
    expect(http.parentSpanId).toBe(parentId);
    expect(translatorServer.traceId).toBe(traceId);
  });

  it('a greeter error: the HTTP span has the 404 and no error status (the caller asked wrong), the client span is an error', async () => {
    const response = await fetch(`${gatewayUrl}/hello/Cy?lang=xx`);
    expect(response.status).toBe(404);
    const [http, client] = await waitFor(
      () => {
        const spans = receiver.spans();
        const server = spans.find((s) => s.service === 'gateway' && s.attributes['url.path'] === '/hello/Cy');
        const child = server && spans.find((s) => s.parentSpanId === server.spanId);
        return server && child ? ([server, child] as const) : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'the spans of GET /hello/Cy' },
    );
    expect(http.attributes['http.response.status_code']).toBe(404);
    expect(http.statusCode).not.toBe(SPAN_STATUS.ERROR);
    expect(client.attributes).toMatchObject({
      'rpc.response.status_code': 'NOT_FOUND',
      'error.type': 'NOT_FOUND',
    });
    expect(client.statusCode).toBe(SPAN_STATUS.ERROR);
  });

  it("the gateway's Prometheus endpoint: HTTP and client call durations, and its greeter client's endpoints", async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const samples = parsePrometheusSamples(await response.text());
    const httpCount = samples.find(
      (s) =>
        s.name === 'http_server_request_duration_seconds_count' &&
        s.labels['http_route'] === '/hello/:name' &&
        s.labels['http_response_status_code'] === '200',
    );
    expect(httpCount?.value).toBeGreaterThanOrEqual(3); // the warm-up and the two traced calls
    const clientCount = samples.find(
      (s) =>
        s.name === 'rpc_client_call_duration_seconds_count' &&
        s.labels['rpc_method'] === SAY_HELLO &&
        s.labels['rpc_response_status_code'] === 'OK',
    );
    expect(clientCount?.value).toBeGreaterThanOrEqual(3);
    const [greeter] = await discovery.list('greeter');
    const breaker = samples.find((s) => s.name === 'flotilla_rpc_client_breaker_state');
    expect(breaker?.labels).toMatchObject({
      flotilla_service: 'greeter',
      flotilla_endpoint: greeter!.address,
    });
    expect(breaker?.value).toBe(0); // closed
    const picks = samples.find((s) => s.name === 'flotilla_rpc_client_endpoint_picks_total');
    expect(picks?.value).toBeGreaterThanOrEqual(3);
  });
});
