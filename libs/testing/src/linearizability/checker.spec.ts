import { describe, expect, it } from 'vitest';
import { checkLinearizable } from './checker.js';
import type { Operation } from './history.js';
import { registerModel, type RegisterInput, type RegisterOutput } from './register-model.js';

type Op = Operation<RegisterInput, RegisterOutput>;
const U = Infinity;

function op(
  clientId: number,
  input: RegisterInput,
  output: RegisterOutput | undefined,
  calledAt: number,
  returnedAt: number,
  key = 'x',
): Op {
  return { clientId, key, input, output, calledAt, returnedAt };
}
const w = (v: string): RegisterInput => ({ op: 'write', value: v });
const r: RegisterInput = { op: 'read' };
const cas = (expected: string | null, value: string): RegisterInput => ({ op: 'cas', expected, value });

describe('linearizability checker (register model)', () => {
  it.each<[string, Op[]]>([
    ['a stale read after a completed write', [op(1, w('1'), true, 0, 10), op(2, r, null, 20, 30)]],
    [
      'reads going back in time',
      [op(1, w('1'), true, 0, 10), op(1, w('2'), true, 20, 30), op(2, r, '2', 40, 50), op(3, r, '1', 60, 70)],
    ],
    ['a read of a value never written', [op(1, r, '7', 0, 10)]],
    [
      'two successful cas from the same expected value',
      [op(1, cas(null, 'a'), true, 0, 10), op(2, cas(null, 'b'), true, 0, 10)],
    ],
    [
      'a failed cas whose expected value was there throughout',
      [op(1, w('1'), true, 0, 5), op(2, cas('1', '2'), false, 10, 20), op(3, r, '1', 30, 40)],
    ],
    [
      'a write seen, then unseen, by sequential reads of one client',
      [op(1, w('1'), true, 0, 100), op(2, r, '1', 10, 20), op(2, r, null, 30, 40)],
    ],
    [
      'an unknown-outcome write that must have happened before its call',
      [op(1, r, 'z', 0, 10), op(2, w('z'), undefined, 20, U)],
    ],
  ])('rejects %s', (_name, history) => {
    const result = checkLinearizable(history, registerModel);
    expect(result.verdict).toBe('illegal');
    expect(result.partitions[0].explanation).toMatch(/cannot place/);
  });

  it.each<[string, Op[]]>([
    ['concurrent write and read seeing the old value', [op(1, w('1'), true, 0, 100), op(2, r, null, 10, 20)]],
    ['concurrent write and read seeing the new value', [op(1, w('1'), true, 0, 100), op(2, r, '1', 10, 20)]],
    [
      'an unknown-outcome write that never took effect',
      [op(1, w('1'), undefined, 0, U), op(2, r, null, 10, 20), op(2, r, null, 30, 40)],
    ],
    [
      'an unknown-outcome write that took effect later',
      [op(1, w('1'), undefined, 0, U), op(2, r, null, 10, 20), op(2, r, '1', 30, 40)],
    ],
    [
      'cas chains',
      [
        op(1, cas(null, 'a'), true, 0, 10),
        op(2, cas('a', 'b'), true, 5, 15),
        op(3, cas(null, 'c'), false, 12, 30),
        op(1, r, 'b', 40, 50),
      ],
    ],
    ['operations touching at an instant', [op(1, w('1'), true, 0, 10), op(2, r, null, 10, 20)]],
  ])('accepts %s', (_name, history) => {
    expect(checkLinearizable(history, registerModel).verdict).toBe('ok');
  });

  it('checks each key on its own and names the failing one', () => {
    const history = [
      op(1, w('1'), true, 0, 10, 'a'),
      op(2, r, '1', 20, 30, 'a'),
      op(1, w('1'), true, 0, 10, 'b'),
      op(2, r, null, 20, 30, 'b'),
    ];
    const result = checkLinearizable(history, registerModel);
    expect(result.verdict).toBe('illegal');
    expect(result.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ['a', 'ok'],
      ['b', 'illegal'],
    ]);
  });

  it('handles a few hundred concurrent operations per key quickly', () => {
    // Eight clients, each writing its own values and reading, with overlapping intervals.
    const history: Op[] = [];
    let value: string | null = null;
    let t = 0;
    for (let i = 0; i < 400; i++) {
      const client = i % 8;
      if (i % 3 === 0) {
        value = `v${i}`;
        history.push(op(client, w(value), true, t, t + 25));
      } else {
        history.push(op(client, r, value, t + 20, t + 30));
      }
      t += 10;
    }
    const started = performance.now();
    expect(checkLinearizable(history, registerModel).verdict).toBe('ok');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('gives up with unknown past its step budget', () => {
    const history = Array.from({ length: 12 }, (_, i) => op(i, w(`${i}`), true, 0, 100));
    history.push(op(99, r, 'nope', 200, 300));
    expect(checkLinearizable(history, registerModel, { maxSteps: 50 }).verdict).toBe('unknown');
  });
});
