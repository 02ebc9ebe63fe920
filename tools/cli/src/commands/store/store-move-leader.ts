import type { IMember } from 'etcd3';
import { CliError, ExitCode } from '../../exit-codes.js';
import { memberIdHex } from '../../output/format.js';
import { createClient, withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';

/**
 * `flotilla store move-leader <member-id|name>`: MoveLeader is only served by the current leader, so
 * the request goes to the leader's client URLs (the leader as the answering member knows it).
 */
export async function storeMoveLeader(ctx: CommandContext, wanted: string): Promise<void> {
  const result = await withStore(ctx.target, async (client) => {
    const { members } = await client.cluster.memberList({});
    const to = findMember(members, wanted);
    if (to.isLearner) {
      throw new CliError(
        `member ${describe(to)} is a learner and cannot lead; promote it first or pick a voting member`,
        ExitCode.failed,
      );
    }
    const status = await client.maintenance.status();
    const from = members.find((m) => m.ID === status.leader);
    if (!from) {
      throw new CliError(
        `no quorum: the store at ${ctx.target.endpoints.join(', ')} knows no leader right now; check \`flotilla store status\` and retry`,
        ExitCode.failed,
      );
    }
    if (from.ID !== to.ID) {
      const leader = createClient(ctx.target, from.clientURLs);
      try {
        await leader.maintenance.moveLeader({ targetID: to.ID });
      } finally {
        leader.close();
      }
    }
    return { from, to };
  });
  const summary = {
    from: { id: memberIdHex(result.from.ID), name: result.from.name },
    to: { id: memberIdHex(result.to.ID), name: result.to.name },
    moved: result.from.ID !== result.to.ID,
  };
  if (ctx.out.json) ctx.out.jsonLine(summary);
  else if (!summary.moved) ctx.out.line(`${describe(result.to)} is already the leader; nothing to do`);
  else ctx.out.line(`leadership moved from ${describe(result.from)} to ${describe(result.to)}`);
}

/** By name, or by id in hex (as `flotilla store members` and etcdctl print it). */
function findMember(members: readonly IMember[], wanted: string): IMember {
  const hex = /^(0x)?[0-9a-f]+$/i.test(wanted) ? wanted.toLowerCase().replace(/^0x/, '') : undefined;
  const found =
    members.find((m) => m.name === wanted) ??
    (hex === undefined ? undefined : members.find((m) => memberIdHex(m.ID) === hex.replace(/^0+(?=.)/, '')));
  if (found) return found;
  const known = members.map(describe).join(', ');
  throw new CliError(
    `unknown member "${wanted}": the members are ${known}; give a name or hex id from \`flotilla store members\``,
    ExitCode.failed,
  );
}

function describe(m: IMember): string {
  return `${m.name || '(unnamed)'} (${memberIdHex(m.ID)})`;
}
