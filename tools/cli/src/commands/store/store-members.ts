import type { IMember } from 'etcd3';
import { memberIdHex } from '../../output/format.js';
import { withStore } from '../../store/store-client.js';
import type { CommandContext } from '../context.js';

/** One member as `--json` prints it. */
export interface MemberRow {
  /** Hex, as etcdctl prints it; exact for etcd's 64-bit ids. */
  id: string;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

export function toMemberRow(m: IMember): MemberRow {
  return {
    id: memberIdHex(m.ID),
    name: m.name,
    peerUrls: m.peerURLs,
    clientUrls: m.clientURLs,
    isLearner: Boolean(m.isLearner),
  };
}

/** `flotilla store members` */
export async function storeMembers(ctx: CommandContext): Promise<void> {
  const members = await withStore(ctx.target, async (client) =>
    (await client.cluster.memberList({})).members.map(toMemberRow),
  );
  if (ctx.out.json) {
    ctx.out.jsonLine({ members });
    return;
  }
  ctx.out.table(
    ['ID', 'NAME', 'PEER URLS', 'CLIENT URLS', 'LEARNER'],
    members.map((m) => [
      m.id,
      m.name,
      m.peerUrls.join(','),
      m.clientUrls.join(','),
      m.isLearner ? 'yes' : 'no',
    ]),
  );
}
