import { demoSchema, type DemoConfig } from '../test-support/demo-schema.js';
import { ConfigState } from './config-state.js';
import { ServiceSchema } from './service-schema.js';

const schema = new ServiceSchema<DemoConfig>('demo', demoSchema);

describe('ConfigState', () => {
  it('starts from the defaults and applies valid puts as typed values', () => {
    const state = new ConfigState(schema);
    expect(state.snapshot()).toEqual({
      greeting: 'Hello, {name}',
      retries: 3,
      limits: { rps: 5, burst: 10 },
      step: 0,
    });
    const outcome = state.put({ key: 'retries', text: '5', modRevision: 7 });
    expect(outcome).toEqual({
      type: 'change',
      change: { key: 'retries', value: 5, previous: 3, revision: 7 },
    });
    expect(state.get('retries')).toBe(5);
    expect(state.revision).toBe(7);
  });

  it('keeps the last good value when a put breaks the schema, and names key, path and rule', () => {
    const state = new ConfigState(schema);
    state.put({ key: 'limits', text: '{"rps":2,"burst":3}', modRevision: 2 });
    const outcome = state.put({ key: 'limits', text: '{"rps":2,"burst":0}', modRevision: 3 });
    expect(outcome).toMatchObject({
      type: 'invalid',
      invalid: {
        service: 'demo',
        revision: 3,
        key: 'limits',
        path: '/burst',
        rule: 'minimum: must be >= 1',
        message: 'config key "limits" is invalid at /burst: minimum: must be >= 1',
      },
    });
    expect(state.get('limits')).toEqual({ rps: 2, burst: 3 });
    expect(state.put({ key: 'greeting', text: '{oops', modRevision: 4 })).toMatchObject({
      invalid: { key: 'greeting', path: '' },
    });
  });

  it('skips events at or below a key’s last revision, so a resumed watch adds no duplicates', () => {
    const state = new ConfigState(schema);
    expect(state.put({ key: 'step', text: '1', modRevision: 5 })?.type).toBe('change');
    expect(state.put({ key: 'step', text: '2', modRevision: 5 })).toBeUndefined();
    expect(state.put({ key: 'step', text: '0', modRevision: 4 })).toBeUndefined();
    expect(state.get('step')).toBe(1);
    // Another key written by the same txn (same revision) is applied.
    expect(state.put({ key: 'retries', text: '4', modRevision: 5 })?.type).toBe('change');
  });

  it('goes back to the default on delete, and reports no change when a value is written again unchanged', () => {
    const state = new ConfigState(schema);
    state.put({ key: 'retries', text: '8', modRevision: 2 });
    expect(state.put({ key: 'retries', text: '8', modRevision: 3 })).toBeUndefined();
    expect(state.delete('retries', 4)).toMatchObject({
      change: { key: 'retries', value: 3, previous: 8, revision: 4 },
    });
    expect(state.stored()).toEqual([]);
  });

  it('reconciles a whole read: newer values in revision order, missing keys back to defaults', () => {
    const state = new ConfigState(schema);
    state.put({ key: 'retries', text: '8', modRevision: 2 });
    state.put({ key: 'step', text: '1', modRevision: 3 });
    const outcomes = state.reconcile(
      [
        { key: 'greeting', text: '"Hey"', modRevision: 9 },
        { key: 'step', text: '2', modRevision: 6 },
      ],
      10,
    );
    expect(outcomes.map((o) => (o.type === 'change' ? [o.change.key, o.change.value] : o.type))).toEqual([
      ['step', 2],
      ['greeting', 'Hey'],
      ['retries', 3],
    ]);
    expect(state.revision).toBe(10);
  });

  it('hands out snapshots that later changes do not alter', () => {
    const state = new ConfigState(schema);
    const before = state.snapshot();
    state.put({ key: 'retries', text: '1', modRevision: 2 });
    expect(before.retries).toBe(3);
    expect(Object.isFrozen(state.snapshot())).toBe(true);
  });
});
