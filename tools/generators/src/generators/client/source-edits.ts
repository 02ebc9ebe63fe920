/** A text insertion at an offset of a source file. */
export interface Insertion {
  at: number;
  text: string;
}

/** Applies insertions (any order; same-offset ones keep their given order). */
export function applyInsertions(source: string, insertions: readonly Insertion[]): string {
  const ordered = insertions.map((insertion, index) => ({ ...insertion, index }));
  ordered.sort((a, b) => b.at - a.at || b.index - a.index);
  let result = source;
  for (const { at, text } of ordered) result = result.slice(0, at) + text + result.slice(at);
  return result;
}
