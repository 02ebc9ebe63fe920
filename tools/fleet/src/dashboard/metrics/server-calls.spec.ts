import { parsePrometheusText } from './prometheus-text.js';
import { callsSince, serverCalls } from './server-calls.js';

/** What @flotilla/telemetry's Prometheus endpoint writes for served calls (buckets cut short). */
function scrape(calls: { method: string; status: string; buckets: [string, number][] }[]): string {
  const lines = [
    '# HELP target_info Target metadata',
    '# TYPE target_info gauge',
    'target_info{service_name="greeter"} 1',
    '# HELP rpc_server_call_duration_seconds Duration of served calls',
    '# UNIT rpc_server_call_duration_seconds seconds',
    '# TYPE rpc_server_call_duration_seconds histogram',
  ];
  for (const c of calls) {
    const labels = `otel_scope_name="@flotilla/telemetry",rpc_system_name="grpc",rpc_method="${c.method}",rpc_response_status_code="${c.status}"`;
    const total = c.buckets.at(-1)?.[1] ?? 0;
    lines.push(`rpc_server_call_duration_seconds_count{${labels}} ${total}`);
    lines.push(`rpc_server_call_duration_seconds_sum{${labels}} 0.5`);
    for (const [le, count] of c.buckets)
      lines.push(`rpc_server_call_duration_seconds_bucket{${labels},le="${le}"} ${count}`);
  }
  lines.push('# TYPE rpc_client_call_duration_seconds histogram');
  lines.push(
    'rpc_client_call_duration_seconds_count{rpc_method="t.T/Translate",rpc_response_status_code="OK"} 99',
  );
  return `${lines.join('\n')}\n`;
}

describe('serverCalls', () => {
  it('sums served calls over methods and statuses; errors are the non-OK ones; client calls and health checks do not count', () => {
    const text = scrape([
      {
        method: 'helloworld.v1.Greeter/SayHello',
        status: 'OK',
        buckets: [
          ['0.005', 6],
          ['0.01', 8],
          ['+Inf', 8],
        ],
      },
      {
        method: 'helloworld.v1.Greeter/SayHello',
        status: 'UNAVAILABLE',
        buckets: [
          ['0.005', 0],
          ['0.01', 1],
          ['+Inf', 2],
        ],
      },
      {
        method: 'helloworld.v1.Greeter/Other',
        status: 'NOT_FOUND',
        buckets: [
          ['0.005', 1],
          ['0.01', 1],
          ['+Inf', 1],
        ],
      },
      {
        method: 'grpc.health.v1.Health/Check',
        status: 'OK',
        buckets: [
          ['0.005', 50],
          ['0.01', 50],
          ['+Inf', 50],
        ],
      },
    ]);
    expect(serverCalls(parsePrometheusText(text))).toEqual({
      calls: 11,
      errors: 3,
      buckets: [
        { le: 0.005, count: 7 },
        { le: 0.01, count: 10 },
        { le: Infinity, count: 11 },
      ],
    });
  });

  it('is all zeros before the first call (no histogram yet)', () => {
    expect(serverCalls(parsePrometheusText(scrape([])))).toEqual({ calls: 0, errors: 0, buckets: [] });
  });

  it('refuses a bucket without a valid le', () => {
    expect(() =>
      serverCalls(parsePrometheusText('rpc_server_call_duration_seconds_bucket{le="x"} 1')),
    ).toThrow(/rpc_server_call_duration_seconds_bucket has no valid le label/);
  });
});

describe('callsSince', () => {
  const at = (calls: number, errors: number, fast: number) => ({
    calls,
    errors,
    buckets: [
      { le: 0.01, count: fast },
      { le: Infinity, count: calls },
    ],
  });

  it('is the growth of every counter since the previous scrape', () => {
    expect(callsSince(at(30, 4, 25), at(10, 1, 9))).toEqual(at(20, 3, 16));
  });

  it('takes everything as new without a previous scrape, or when the counters went down (a new process)', () => {
    expect(callsSince(at(5, 0, 5), undefined)).toEqual(at(5, 0, 5));
    expect(callsSince(at(5, 0, 5), at(100, 3, 90))).toEqual(at(5, 0, 5));
  });

  it('counts buckets from zero when the previous scrape had none (no call yet)', () => {
    expect(callsSince(at(3, 1, 2), { calls: 0, errors: 0, buckets: [] })).toEqual(at(3, 1, 2));
  });
});
