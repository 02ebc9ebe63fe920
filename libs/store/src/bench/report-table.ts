import type { BenchSystem } from './bench-options.js';

/** One line of the comparison: a metric and its value per system (NaN: not measured). */
export interface Row {
  readonly metric: string;
  readonly unit: string;
  readonly values: Partial<Record<BenchSystem, number>>;
  /** Detail shown beside the value, e.g. per-member figures. */
  readonly notes?: Partial<Record<BenchSystem, string>>;
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (Number.isInteger(v)) return String(v);
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && !Number.isNaN(a) && !Number.isNaN(b) && b !== 0
    ? (a / b).toFixed(2)
    : '-';
}

/** etcd, flotilla-store and the ceiling side by side, with store/etcd and store/ceiling. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['metric', 'unit', 'etcd', 'flotilla-store', 'ceiling', 'store/etcd', 'store/ceiling'];
  const lines = rows.map((r) => {
    const store = r.values['flotilla-store'];
    const cell = (system: BenchSystem): string => {
      const note = r.notes?.[system];
      return note ? `${fmt(r.values[system])} (${note})` : fmt(r.values[system]);
    };
    return [
      r.metric,
      r.unit,
      cell('etcd'),
      cell('flotilla-store'),
      cell('ceiling'),
      ratio(store, r.values.etcd),
      ratio(store, r.values.ceiling),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const render = (cells: readonly string[]): string =>
    cells.map((s, c) => (c < 2 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}
