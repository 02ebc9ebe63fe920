import { parsePrometheusText, parsePrometheusValue, PrometheusTextError } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads every sample with its labels and value, skipping comments and blank lines', () => {
    const text = [
      '# HELP rpc_server_call_duration_seconds Duration of served calls.',
      '# TYPE rpc_server_call_duration_seconds histogram',
      'rpc_server_call_duration_seconds_count{rpc_method="a.B/C",rpc_response_status_code="OK"} 3',
      'rpc_server_call_duration_seconds_bucket{rpc_method="a.B/C",le="+Inf"} 3',
      '',
      'process_up 1',
      'with_time{ x = "1" , } 2.5e-3 1712345678901',
      'nothing{} -Inf',
    ].join('\r\n');
    expect(parsePrometheusText(text)).toEqual([
      {
        name: 'rpc_server_call_duration_seconds_count',
        labels: { rpc_method: 'a.B/C', rpc_response_status_code: 'OK' },
        value: 3,
      },
      {
        name: 'rpc_server_call_duration_seconds_bucket',
        labels: { rpc_method: 'a.B/C', le: '+Inf' },
        value: 3,
      },
      { name: 'process_up', labels: {}, value: 1 },
      { name: 'with_time', labels: { x: '1' }, value: 0.0025 },
      { name: 'nothing', labels: {}, value: -Infinity },
    ]);
  });

  it('unescapes label values: backslash, quote and newline; braces and commas inside quotes are text', () => {
    const [sample] = parsePrometheusText('m{path="C:\\\\dir",say="\\"hi\\"",two="a\\nb",odd="{x,y}"} NaN\n');
    expect(sample?.labels).toEqual({ path: 'C:\\dir', say: '"hi"', two: 'a\nb', odd: '{x,y}' });
    expect(sample?.value).toBeNaN();
  });

  it('keeps a label named __proto__ as a label', () => {
    const [sample] = parsePrometheusText('m{__proto__="x"} 1');
    expect(sample?.labels['__proto__']).toBe('x');
    expect(Object.keys(sample?.labels ?? {})).toEqual(['__proto__']);
  });

  it.each([
    ['m', 'metrics line 2: expected a value and an optional timestamp: m'],
    ['m{a="1"', 'metrics line 2: expected , or } after label a'],
    ['m{,} 1', 'metrics line 2: expected a label name'],
    ['m{a="1} 2', 'metrics line 2: unterminated value of label a'],
    ['m{a=1} 2', 'metrics line 2: expected a quoted value for label a'],
    ['m{a "1"} 2', 'metrics line 2: expected = after label a'],
    ['m{a="\\t"} 2', 'metrics line 2: bad escape in the value of label a'],
    ['m{a="1" b="2"} 2', 'metrics line 2: expected , or } after label a'],
    ['m 12abc', 'metrics line 2: bad value "12abc"'],
    ['m 1 2 3', 'metrics line 2: expected a value and an optional timestamp'],
    ['m 1 soon', 'metrics line 2: bad timestamp "soon"'],
    ['m=1', 'metrics line 2: expected labels or a space after the metric name'],
    ['{a="1"} 1', 'metrics line 2: expected a metric name'],
  ])('rejects %j naming the line and the problem', (line, message) => {
    const parse = () => parsePrometheusText(`ok 1\n${line}\n`);
    expect(parse).toThrow(PrometheusTextError);
    expect(parse).toThrow(message);
  });
});

describe('parsePrometheusValue', () => {
  it('reads floats and the special values, and nothing else', () => {
    expect(parsePrometheusValue('0.005')).toBe(0.005);
    expect(parsePrometheusValue('+Inf')).toBe(Infinity);
    expect(parsePrometheusValue('-1e3')).toBe(-1000);
    expect(parsePrometheusValue('')).toBeUndefined();
    expect(parsePrometheusValue('0x10')).toBeUndefined();
  });
});
