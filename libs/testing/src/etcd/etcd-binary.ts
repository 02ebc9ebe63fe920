import { execFileSync } from 'node:child_process';

const INSTALL_HINT =
  'install etcd 3.4 or newer: run `bash tools/scripts/ensure-etcd.sh` (Debian: apt-get install etcd-server etcd-client), or set ETCD_BIN';

/** Path of the etcd server binary: $ETCD_BIN, else `etcd` on PATH. Throws a how-to-install error if absent. */
export function etcdBinary(): string {
  const bin = process.env['ETCD_BIN'] ?? 'etcd';
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const version = /etcd Version: (\d+)\.(\d+)/.exec(out);
    if (version && (Number(version[1]) > 3 || (Number(version[1]) === 3 && Number(version[2]) >= 4)))
      return bin;
    throw new Error(`etcd at "${bin}" is too old (need 3.4+): ${out.split('\n')[0]}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`etcd not found ("${bin}"): ${INSTALL_HINT}`);
    throw error;
  }
}
