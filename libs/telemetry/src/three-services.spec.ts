import { GreeterService, greeterSchema } from '@flotilla/proto';
import { createClient, type TypedClient } from '@flotilla/rpc';
import { type EtcdCluster, freePorts, startEtcdCluster, waitFor } from '@flotilla/testing';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './testing/otlp-receiver.js';
import { parsePrometheusSamples as parseSamples } from './testing/prometheus-samples.js';
import { startTier, type TierProcess } from './test-support/tier-processes.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const SAY_HELLO = 'helloworld.v1.Greeter/SayHello';
const SERVER_STREAM = 'helloworld.v1.Greeter/SayHelloServerStream';

/**
 * How the tiers find each other: `static` gives each caller the next tier's loopback address;
 * `registry` has every tier register in a 1-member flotilla-store and call `etcd:///<next tier>`.
 * Both run, since only the static one shows the metrics of a service with no registration at all.
 */
const DISCOVERY = ['static', 'registry'] as const;

/**
 * Three services in three processes, edge -> middle -> leaf (loopback), each exporting OTLP/HTTP
 * JSON to a receiver this test runs; the middle one also serves Prometheus. The test calls the
 * edge at its address without trace context, so the edge's SERVER span is each trace's root.
 */
describe.each(DISCOVERY)('telemetry across three services (%s discovery)', (discovery) => {
  let receiver: OtlpReceiver | undefined;
  let cluster: EtcdCluster | undefined;
  const tiers: TierProcess[] = [];
  let edge: TypedClient<typeof GreeterService, true>;
  let metricsUrl: string;
  let leafPort: number;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    if (discovery === 'registry') cluster = await startEtcdCluster({ binary: 'flotilla-store', size: 1 });
    const registry = cluster?.endpoints;
    const [edgePort, middlePort, leaf, metricsPort] = await freePorts(4);
    leafPort = leaf!;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    };
    /** The tier `name` listening on `port`, as the caller names it: a static target only in static mode. */
    const tierAt = (name: string, port: number) =>
      discovery === 'static' ? { name, target: `127.0.0.1:${port}` } : { name };
    // A registered tier says SERVING only once its key is in the store, so the next caller resolves it.
    // At debug the leaf logs a line per call, written while the call's span is active.
    tiers.push(
      await startTier({
        name: 'leaf',
        port: leafPort,
        registry,
        env: { ...env, FLOTILLA_LOG_LEVEL: 'debug' },
      }),
    );
    tiers.push(
      await startTier({
        name: 'middle',
        port: middlePort!,
        next: tierAt('leaf', leafPort),
        registry,
        env: { ...env, FLOTILLA_METRICS_PORT: String(metricsPort) },
      }),
    );
    tiers.push(
      await startTier({ name: 'edge', port: edgePort!, next: tierAt('middle', middlePort!), registry, env }),
    );
    edge = createClient(GreeterService, [`127.0.0.1:${edgePort}`], { schemas: [greeterSchema] });
  });

  afterAll(async () => {
    edge?.$close();
    for (const tier of tiers.reverse()) await tier.stop();
    await cluster?.stop();
    await receiver?.close();
  });

  /** The spans of the trace whose root is the edge's SERVER span for `method`, once `count` arrived. */
  async function traceOf(method: string, count: number, rootName: string): Promise<ReceivedSpan[]> {
    return waitFor(
      () => {
        const spans = receiver!.spans();
        const root = spans.find(
          (s) =>
            s.service === 'edge' &&
            s.kind === SERVER &&
            s.name === method &&
            !s.parentSpanId &&
            spans.some((c) => c.traceId === s.traceId && c.attributes['rpc.method'] === rootName),
        );
        if (!root) return undefined;
        const trace = spans.filter((s) => s.traceId === root.traceId);
        return trace.length >= count ? trace : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: `${count} spans of a ${method} trace` },
    );
  }

  function only(spans: ReceivedSpan[], service: string, kind: number): ReceivedSpan {
    const found = spans.filter((s) => s.service === service && s.kind === kind);
    expect(found, `${service} ${kind === SERVER ? 'SERVER' : 'CLIENT'} spans`).toHaveLength(1);
    return found[0]!;
  }

  it('one unary call is one trace: SERVER and CLIENT spans linked parent to child across the three processes', async () => {
    const reply = await edge.sayHello({ name: 'Ada' });
    expect(reply.message).toBe('edge > middle > leaf: Hello Ada');

    const spans = await traceOf(SAY_HELLO, 5, SAY_HELLO);
    expect(spans).toHaveLength(5);
    const edgeServer = only(spans, 'edge', SERVER);
    const edgeClient = only(spans, 'edge', CLIENT);
    const middleServer = only(spans, 'middle', SERVER);
    const middleClient = only(spans, 'middle', CLIENT);
    const leafServer = only(spans, 'leaf', SERVER);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(edgeServer.parentSpanId).toBeUndefined();
    expect(edgeClient.parentSpanId).toBe(edgeServer.spanId);
    expect(middleServer.parentSpanId).toBe(edgeClient.spanId);
    expect(middleClient.parentSpanId).toBe(middleServer.spanId);
    expect(leafServer.parentSpanId).toBe(middleClient.spanId);

    for (const span of spans) {
      expect(span.name).toBe(SAY_HELLO);
      expect(span.attributes['rpc.system.name']).toBe('grpc');
      expect(span.attributes['rpc.method']).toBe(SAY_HELLO);
      expect(span.attributes['rpc.response.status_code']).toBe('OK');
      expect(span.statusCode).not.toBe(ERROR);
    }
    expect(middleClient.attributes['server.address']).toBe('127.0.0.1');
    expect(middleClient.attributes['server.port']).toBe(leafPort);
    expect(leafServer.attributes['server.port']).toBe(leafPort);

    const leafLog = tiers[0]!
      .output()
      .split('\n')
      .find((line) => line.includes(`"trace_id":"${leafServer.traceId}"`));
    expect(leafLog).toContain(`"span_id":"${leafServer.spanId}"`);
  });

  it('a server stream whose handler calls downstream per reply: every downstream call is a child of the stream span', async () => {
    const replies: string[] = [];
    for await (const reply of edge.sayHelloServerStream({ name: 'Bo', count: 3 }))
      replies.push(reply.message);
    expect(replies).toEqual([
      'edge > middle > leaf: Hello Bo#0',
      'edge > middle > leaf: Hello Bo#1',
      'edge > middle > leaf: Hello Bo#2',
    ]);
    // edge SERVER (stream) + 3 x (edge CLIENT, middle SERVER, middle CLIENT, leaf SERVER)
    const spans = await traceOf(SERVER_STREAM, 13, SAY_HELLO);
    expect(spans).toHaveLength(13);
    const root = only(spans, 'edge', SERVER);
    expect(root.name).toBe(SERVER_STREAM);
    expect(root.attributes['rpc.response.status_code']).toBe('OK');
    const edgeClients = spans.filter((s) => s.service === 'edge' && s.kind === CLIENT);
    expect(edgeClients).toHaveLength(3);
    for (const client of edgeClients) {
      expect(client.parentSpanId).toBe(root.spanId);
      const middleServer = spans.find((s) => s.parentSpanId === client.spanId);
      expect(middleServer?.service).toBe('middle');
      const middleClient = spans.find((s) => s.parentSpanId === middleServer?.spanId);
      expect(middleClient?.kind).toBe(CLIENT);
      expect(spans.find((s) => s.parentSpanId === middleClient?.spanId)?.service).toBe('leaf');
    }
  });

  it('a bidi stream: downstream calls made per request message stay in the stream span trace', async () => {
    const chat = edge.sayHelloBidi();
    await chat.write({ name: 'x' });
    await chat.write({ name: 'y' });
    chat.end();
    const replies: string[] = [];
    for await (const reply of chat) replies.push(reply.message);
    expect(replies).toEqual(['edge > middle > leaf: Hello x', 'edge > middle > leaf: Hello y']);
    const spans = await traceOf('helloworld.v1.Greeter/SayHelloBidi', 9, SAY_HELLO);
    const root = only(spans, 'edge', SERVER);
    const edgeClients = spans.filter((s) => s.service === 'edge' && s.kind === CLIENT);
    expect(edgeClients.map((s) => s.parentSpanId)).toEqual([root.spanId, root.spanId]);
  });

  it('status: NOT_FOUND is not a server error at the leaf, an error on the client span, INTERNAL upstream', async () => {
    await expect(edge.sayHello({ name: 'missing' })).rejects.toMatchObject({ code: 13 });
    const spans = await waitFor(
      () => {
        const all = receiver!.spans();
        const leaf = all.find(
          (s) => s.service === 'leaf' && s.attributes['rpc.response.status_code'] === 'NOT_FOUND',
        );
        const trace = leaf ? all.filter((s) => s.traceId === leaf.traceId) : [];
        return trace.length >= 5 ? trace : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'the spans of the failed call' },
    );
    const leafServer = only(spans, 'leaf', SERVER);
    expect(leafServer.statusCode).not.toBe(ERROR);
    expect(leafServer.attributes['error.type']).toBeUndefined();
    const middleClient = only(spans, 'middle', CLIENT);
    expect(middleClient.attributes['rpc.response.status_code']).toBe('NOT_FOUND');
    expect(middleClient.attributes['error.type']).toBe('NOT_FOUND');
    expect(middleClient.statusCode).toBe(ERROR);
    const middleServer = only(spans, 'middle', SERVER);
    expect(middleServer.attributes['rpc.response.status_code']).toBe('INTERNAL');
    expect(middleServer.statusCode).toBe(ERROR);
  });

  it('metrics also go out over OTLP', async () => {
    await waitFor(() => receiver!.metricExports() >= 3, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'metric exports from the three services',
    });
  });

  it('Prometheus: the call-duration histograms with their labels, and breaker state per endpoint', async () => {
    for (let i = 0; i < 5; i++) await edge.sayHello({ name: `p${i}` });
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    const samples = parseSamples(text);

    const serverBuckets = samples.filter(
      (s) =>
        s.name === 'rpc_server_call_duration_seconds_bucket' &&
        s.labels['rpc_method'] === SAY_HELLO &&
        s.labels['rpc_response_status_code'] === 'OK',
    );
    expect(serverBuckets.length).toBeGreaterThan(5);
    expect(serverBuckets.every((s) => s.labels['rpc_system_name'] === 'grpc')).toBe(true);
    const inf = serverBuckets.find((s) => s.labels['le'] === '+Inf');
    expect(inf?.value).toBeGreaterThanOrEqual(6); // the unary calls above and the earlier tests'
    const count = samples.find(
      (s) =>
        s.name === 'rpc_server_call_duration_seconds_count' &&
        s.labels['rpc_method'] === SAY_HELLO &&
        s.labels['rpc_response_status_code'] === 'OK',
    );
    expect(count?.value).toBe(inf?.value);
    expect(samples.some((s) => s.name === 'rpc_server_call_duration_seconds_sum')).toBe(true);
    expect(
      samples.some(
        (s) =>
          s.name === 'rpc_client_call_duration_seconds_bucket' &&
          s.labels['rpc_method'] === SAY_HELLO &&
          s.labels['rpc_response_status_code'] === 'NOT_FOUND' &&
          s.labels['error_type'] === 'NOT_FOUND',
      ),
    ).toBe(true);

    const breaker = samples.find((s) => s.name === 'flotilla_rpc_client_breaker_state');
    expect(breaker?.labels).toEqual({
      flotilla_service: 'leaf',
      flotilla_endpoint: `127.0.0.1:${leafPort}`,
      otel_scope_name: '@flotilla/telemetry',
    });
    expect(breaker?.value).toBe(0); // closed
    const picks = samples.find((s) => s.name === 'flotilla_rpc_client_endpoint_picks_total');
    expect(picks?.labels['flotilla_endpoint']).toBe(`127.0.0.1:${leafPort}`);
    expect(picks?.value).toBeGreaterThanOrEqual(6);
    expect(samples.some((s) => s.name === 'flotilla_rpc_client_retry_budget_tokens')).toBe(true);
    // The middle tier's own registration: live in the registry, or `none` without one.
    const registration = discovery === 'registry' ? 'registered' : 'none';
    expect(
      samples.find(
        (s) =>
          s.name === 'flotilla_registration_state' &&
          s.labels['flotilla_registration_state'] === registration,
      )?.value,
    ).toBe(1);
  });
});
