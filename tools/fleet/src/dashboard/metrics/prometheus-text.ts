/**
 * A parser for the Prometheus text exposition format (version 0.0.4), the part the dashboard needs:
 * every sample line with its labels and value. Comments (`# HELP`, `# TYPE`) are skipped; the
 * histogram's `_bucket`, `_sum` and `_count` lines are plain samples here. Written here rather than
 * taken from npm: the one package for it, parse-prometheus-text-format, is CommonJS-only and untyped.
 */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A line that is not a sample; the message names the line and what was wrong. */
export class PrometheusTextError extends Error {
  override readonly name = 'PrometheusTextError';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SPECIAL_VALUES: Readonly<Record<string, number>> = {
  '+Inf': Infinity,
  Inf: Infinity,
  '-Inf': -Infinity,
  NaN: Number.NaN,
};
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    samples.push(parseSample(line, i + 1));
  });
  return samples;
}

/** A sample value: a float, `+Inf`, `-Inf` or `NaN`; undefined for anything else. */
export function parsePrometheusValue(text: string): number | undefined {
  if (Object.hasOwn(SPECIAL_VALUES, text)) return SPECIAL_VALUES[text];
  return NUMBER.test(text) ? Number(text) : undefined;
}

function parseSample(line: string, lineNumber: number): PrometheusSample {
  const fail = (problem: string): never => {
    throw new PrometheusTextError(`metrics line ${lineNumber}: ${problem}: ${line}`);
  };
  const name = METRIC_NAME.exec(line)?.[0] ?? fail('expected a metric name');
  let pos = name.length;
  const skipSpaces = () => {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  };
  // Label names like __proto__ are legal: keep them off Object.prototype.
  const labels = Object.create(null) as Record<string, string>;
  skipSpaces();
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      skipSpaces();
      if (line[pos] === '}') break; // `{}` or a trailing comma
      const label = LABEL_NAME.exec(line.slice(pos))?.[0] ?? fail('expected a label name');
      pos += label.length;
      skipSpaces();
      if (line[pos] !== '=') fail(`expected = after label ${label}`);
      pos++;
      skipSpaces();
      if (line[pos] !== '"') fail(`expected a quoted value for label ${label}`);
      pos++;
      let value = '';
      for (;;) {
        if (pos >= line.length) fail(`unterminated value of label ${label}`);
        const c = line[pos++] ?? '';
        if (c === '"') break;
        if (c === '\\') {
          const escaped = ESCAPES[line[pos] ?? ''] ?? fail(`bad escape in the value of label ${label}`);
          value += escaped;
          pos++;
        } else {
          value += c;
        }
      }
      labels[label] = value;
      skipSpaces();
      if (line[pos] === ',') {
        pos++;
        continue;
      }
      if (line[pos] !== '}') fail(`expected , or } after label ${label}`);
      break;
    }
    pos++;
  } else if (pos === name.length && pos < line.length) {
    fail('expected labels or a space after the metric name');
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest[0] === '' || rest.length > 2) fail('expected a value and an optional timestamp');
  const value = parsePrometheusValue(rest[0] ?? '') ?? fail(`bad value ${JSON.stringify(rest[0])}`);
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) fail(`bad timestamp ${JSON.stringify(rest[1])}`);
  return { name, labels, value };
}
