import { STORE_MAIN } from '../paths.js';
import { clientUrl, peerUrl, type RegistryMember, type RegistryPlan } from './registry-plan.js';

/** How to start one member: flotilla-store takes etcd's own flags, so both get the same ones. */
export function registryMemberCommand(
  plan: RegistryPlan,
  member: RegistryMember,
): { command: string; args: string[] } {
  const cluster = plan.members.map((m) => `${m.name}=${peerUrl(m)}`).join(',');
  const flags = [
    '--name',
    member.name,
    '--data-dir',
    member.dataDir,
    '--listen-client-urls',
    clientUrl(member),
    '--advertise-client-urls',
    clientUrl(member),
    '--listen-peer-urls',
    peerUrl(member),
    '--initial-advertise-peer-urls',
    peerUrl(member),
    '--initial-cluster',
    cluster,
    // Ignored by both once the data dir holds a cluster: a restart rejoins it.
    '--initial-cluster-state',
    'new',
    '--initial-cluster-token',
    'flotilla-fleet',
  ];
  return plan.kind === 'store'
    ? { command: process.execPath, args: [STORE_MAIN, ...flags] }
    : { command: process.env['ETCD_BIN'] ?? 'etcd', args: flags };
}
