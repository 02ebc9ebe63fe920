import type { RegistryBinary } from '@flotilla/testing';

/** One line of the comparison: a metric and its value per system (NaN: not measured). */
export interface Row {
  readonly metric: string;
  readonly unit: string;
  readonly values: Partial<Record<RegistryBinary, number>>;
  /** Detail shown beside the value, e.g. per-member figures. */
  readonly notes?: Partial<Record<RegistryBinary, string>>;
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (Number.isInteger(v)) return String(v);
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** etcd and flotilla-store side by side, with store/etcd. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['metric', 'unit', 'etcd', 'flotilla-store', 'store/etcd'];
  const lines = rows.map((r) => {
    const etcd = r.values.etcd;
    const store = r.values['flotilla-store'];
    const ratio = etcd !== undefined && store !== undefined && etcd !== 0 ? (store / etcd).toFixed(2) : '-';
    const cell = (system: RegistryBinary): string => {
      const note = r.notes?.[system];
      return note ? `${fmt(r.values[system])} (${note})` : fmt(r.values[system]);
    };
    return [r.metric, r.unit, cell('etcd'), cell('flotilla-store'), ratio];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const render = (cells: readonly string[]): string =>
    cells.map((s, c) => (c < 2 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}
