import { ValidationError } from '@flotilla/nest';

export const MAX_NAME_LENGTH = 256;
export const MAX_STREAM_COUNT = 100;
/** The greeter's reply shape unless its live config says otherwise. */
export const DEFAULT_TEMPLATE = '{greeting} {name}';

/** Checks `name` (required, at most 256 characters) and returns it as given. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError('name is required', { reason: 'NAME_REQUIRED', metadata: { field: 'name' } });
  }
  // Count code points, not UTF-16 units, so an emoji is one character.
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) {
    throw new ValidationError(`name must be at most ${MAX_NAME_LENGTH} characters, got ${length}`, {
      reason: 'NAME_TOO_LONG',
      metadata: { field: 'name', max: String(MAX_NAME_LENGTH) },
    });
  }
  return name;
}

/**
 * Checks `name` and returns the greeting for it: `template` with `{greeting}` and `{name}` filled
 * in (each occurrence), "Hello Ada" by default.
 */
export function greet(name: unknown, template = DEFAULT_TEMPLATE, greeting = 'Hello'): string {
  const valid = checkName(name);
  // A function replacement, so `$` in a name is never read as a replacement pattern.
  return template.replaceAll('{greeting}', () => greeting).replaceAll('{name}', () => valid);
}

/** How many replies SayHelloServerStream sends: `count` 0 means 1, at most 100. */
export function streamCount(count: unknown): number {
  const n = typeof count === 'number' ? count : 0;
  if (!Number.isInteger(n) || n < 0 || n > MAX_STREAM_COUNT) {
    throw new ValidationError(`count must be between 0 and ${MAX_STREAM_COUNT}, got ${String(count)}`, {
      reason: 'COUNT_OUT_OF_RANGE',
      metadata: { field: 'count' },
    });
  }
  return Math.max(1, n);
}
