import type { Model, Operation } from './history.js';

export type CheckVerdict = 'ok' | 'illegal' | 'unknown';

export interface PartitionResult {
  readonly key: string;
  readonly verdict: CheckVerdict;
  readonly operations: number;
  /** Illegal: the longest prefix that could be linearized, and the operations left over. */
  readonly explanation?: string;
}

export interface CheckResult {
  readonly verdict: CheckVerdict;
  readonly partitions: readonly PartitionResult[];
}

export interface CheckOptions {
  /** Search steps per partition before giving up with 'unknown' (the search is exponential at worst). */
  readonly maxSteps?: number;
}

interface Node {
  readonly opIndex: number;
  readonly isCall: boolean;
  /** The matching return event (calls only). */
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

/**
 * Linearizability check of a history (Wing & Gong's search with Lowe's memoisation, as in
 * Porcupine), partitioned by key. Operations whose outcome is unknown may take effect at any point
 * after their call (they return at infinity), reads of unknown outcome are ignored.
 */
export function checkLinearizable<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  options: CheckOptions = {},
): CheckResult {
  const byKey = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    const ops = byKey.get(op.key) ?? [];
    ops.push(op);
    byKey.set(op.key, ops);
  }
  const partitions: PartitionResult[] = [];
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    partitions.push(checkPartition(key, ops, model, options.maxSteps ?? 5_000_000));
  }
  const verdict = partitions.some((p) => p.verdict === 'illegal')
    ? 'illegal'
    : partitions.some((p) => p.verdict === 'unknown')
      ? 'unknown'
      : 'ok';
  return { verdict, partitions };
}

function checkPartition<S, I, O>(
  key: string,
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  maxSteps: number,
): PartitionResult {
  const head = buildEventList(ops);
  const n = ops.length;
  const linearized = new Uint8Array(n);
  const seen = new Set<string>();
  const stack: { node: Node; state: S }[] = [];
  let state = model.init();
  let node = head.next;
  let steps = 0;
  let best = 0;
  let bestOrder: number[] = [];
  while (head.next !== null) {
    if (++steps > maxSteps) return { key, verdict: 'unknown', operations: n };
    if (node !== null && node.isCall) {
      const op = ops[node.opIndex];
      const next = model.step(state, op.input, op.output);
      if (next !== null) {
        linearized[node.opIndex] = 1;
        const memo = `${bitsKey(linearized)}|${model.key(next.state)}`;
        if (!seen.has(memo)) {
          seen.add(memo);
          stack.push({ node, state });
          state = next.state;
          lift(node);
          if (stack.length > best) {
            best = stack.length;
            bestOrder = stack.map((s) => s.node.opIndex);
          }
          node = head.next;
          continue;
        }
        linearized[node.opIndex] = 0;
      }
      node = node.next;
      continue;
    }
    // A return whose call is still waiting: something before it must be undone.
    const top = stack.pop();
    if (!top) return { key, verdict: 'illegal', operations: n, explanation: explain(ops, model, bestOrder) };
    linearized[top.node.opIndex] = 0;
    state = top.state;
    unlift(top.node);
    node = top.node.next;
  }
  return { key, verdict: 'ok', operations: n };
}

function buildEventList<I, O>(ops: readonly Operation<I, O>[]): Node {
  const events: { time: number; isCall: boolean; opIndex: number; node: Node }[] = [];
  const calls: Node[] = [];
  ops.forEach((op, opIndex) => {
    const call: Node = { opIndex, isCall: true, match: null, prev: null, next: null };
    const ret: Node = { opIndex, isCall: false, match: null, prev: null, next: null };
    call.match = ret;
    calls.push(call);
    events.push({ time: op.calledAt, isCall: true, opIndex, node: call });
    events.push({ time: op.returnedAt, isCall: false, opIndex, node: ret });
  });
  // At equal times calls come first: two operations that touch at an instant count as concurrent.
  events.sort((a, b) => a.time - b.time || Number(b.isCall) - Number(a.isCall) || a.opIndex - b.opIndex);
  const head: Node = { opIndex: -1, isCall: false, match: null, prev: null, next: null };
  let last = head;
  for (const e of events) {
    e.node.prev = last;
    last.next = e.node;
    last = e.node;
  }
  return head;
}

/** Removes a call and its return from the list (the operation is linearized). */
function lift(call: Node): void {
  const ret = call.match as Node;
  (call.prev as Node).next = call.next;
  if (call.next) call.next.prev = call.prev;
  (ret.prev as Node).next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts a lifted call and its return back, in reverse order of removal. */
function unlift(call: Node): void {
  const ret = call.match as Node;
  (ret.prev as Node).next = ret;
  if (ret.next) ret.next.prev = ret;
  (call.prev as Node).next = call;
  if (call.next) call.next.prev = call;
}

function bitsKey(bits: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bits.length; i += 16) {
    let word = 0;
    for (let j = i; j < Math.min(i + 16, bits.length); j++) word = word * 2 + bits[j];
    out += word.toString(36) + ',';
  }
  return out;
}

function explain<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  order: readonly number[],
): string {
  const describe = (i: number): string => {
    const op = ops[i];
    const text = model.describe ? model.describe(op.input, op.output) : JSON.stringify(op.input);
    return `client ${op.clientId} ${text} [${op.calledAt}, ${op.returnedAt}]`;
  };
  const done = new Set(order);
  const rest = ops.map((_, i) => i).filter((i) => !done.has(i));
  return (
    `linearized ${order.length} of ${ops.length}: ${order.map(describe).join('; ') || '(none)'}` +
    `; cannot place: ${rest.map(describe).join('; ')}`
  );
}
