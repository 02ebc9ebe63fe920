import type { ResponseHeader } from './types.js';

/** A header with only the revision: the server fills cluster, member and term on top-level responses. */
export function header(revision: number): ResponseHeader {
  return { clusterId: 0, memberId: 0, revision, raftTerm: 0 };
}
