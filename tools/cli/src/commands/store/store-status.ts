import type { IStatusResponse } from 'etcd3';
import { CliError, ExitCode } from '../../exit-codes.js';
import { formatBytes, memberIdHex, revisionNumber } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import { toCliError, unreachable } from '../../store/store-errors.js';
import type { CommandContext } from '../context.js';

/** One endpoint's answer to Maintenance.Status, as `--json` prints it. */
export interface EndpointStatus {
  endpoint: string;
  /** Member ids are hex, as etcdctl prints them (etcd's are 64-bit; never rounded). */
  memberId: string;
  leaderId: string;
  isLeader: boolean;
  isLearner: boolean;
  raftTerm: number;
  raftIndex: number;
  raftAppliedIndex: number;
  /** Bytes. */
  dbSize: number;
  version: string;
  /** Alarms and other errors the member reports about itself. */
  errors: string[];
}

export interface EndpointFailure {
  endpoint: string;
  error: string;
  exitCode: number;
}

/** `flotilla store status`: asks every endpoint on its own, so each row is that member's own view. */
export async function storeStatus(ctx: CommandContext): Promise<void> {
  const results = await Promise.all(ctx.target.endpoints.map((e) => endpointStatus(ctx, e)));
  const failures = results.filter((r): r is EndpointFailure => 'error' in r);
  if (failures.length === results.length && failures.every((f) => f.exitCode === ExitCode.unreachable)) {
    throw unreachable(ctx.target);
  }
  if (ctx.out.json) {
    ctx.out.jsonLine({
      endpoints: results.map((r) => ('error' in r ? { endpoint: r.endpoint, error: r.error } : r)),
    });
  } else {
    ctx.out.table(
      ['ENDPOINT', 'MEMBER ID', 'LEADER', 'RAFT TERM', 'RAFT INDEX', 'DB SIZE', 'VERSION', 'ERRORS'],
      results.map((r) =>
        'error' in r
          ? [r.endpoint, '', '', '', '', '', '', r.error]
          : [
              r.endpoint,
              r.memberId,
              r.isLeader ? 'yes' : 'no',
              String(r.raftTerm),
              String(r.raftIndex),
              formatBytes(r.dbSize),
              r.version,
              r.errors.join('; '),
            ],
      ),
    );
  }
  if (failures.length > 0) {
    throw new CliError(
      `${failures.length} of ${results.length} endpoints did not answer: ${failures.map((f) => f.endpoint).join(', ')}`,
      ExitCode.failed,
    );
  }
}

async function endpointStatus(
  ctx: CommandContext,
  endpoint: string,
): Promise<EndpointStatus | EndpointFailure> {
  const target = { ...ctx.target, endpoints: [endpoint] };
  try {
    return toStatus(endpoint, await withStore(target, (client) => client.maintenance.status()));
  } catch (error) {
    const failure = toCliError(error, target);
    return { endpoint, error: failure.message, exitCode: failure.exitCode };
  }
}

export function toStatus(endpoint: string, s: IStatusResponse): EndpointStatus {
  return {
    endpoint,
    memberId: memberIdHex(s.header.member_id),
    leaderId: memberIdHex(s.leader),
    isLeader: s.leader === s.header.member_id,
    isLearner: s.isLearner,
    raftTerm: revisionNumber(s.raftTerm),
    raftIndex: revisionNumber(s.raftIndex),
    raftAppliedIndex: revisionNumber(s.raftAppliedIndex),
    dbSize: revisionNumber(s.dbSize),
    version: s.version,
    errors: s.errors,
  };
}
