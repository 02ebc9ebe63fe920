import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM contents and file paths of a throwaway CA, an etcd server certificate and a client certificate. */
export interface TestCertificates {
  /** PEM of the CA that signed both certificates. */
  readonly ca: Buffer;
  /** PEM client certificate (CN `flotilla-test-client`) and its key, for etcd's `--client-cert-auth`. */
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Paths of the same PEM files, e.g. for `etcdctl --cacert/--cert/--key`. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Server certificate and key: SAN `IP:127.0.0.1`, usable for `serverAuth` and `clientAuth`. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

const INSTALL_HINT = 'TLS test certificates need the openssl CLI (Debian: apt-get install openssl)';

/**
 * Writes a fresh CA plus a server certificate for 127.0.0.1 and a client certificate into `dir`
 * with the `openssl` CLI (P-256 keys, valid for 2 days). The caller owns `dir` and removes it.
 * Every call makes a new, unrelated CA, so a second call gives "a CA that did not sign the server".
 */
export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  await openssl(
    'req',
    '-x509',
    ...newKey(file('ca.key')),
    '-out',
    file('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=flotilla-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  await issue(dir, 'server', '127.0.0.1', [
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectAltName=IP:127.0.0.1',
  ]);
  await issue(dir, 'client', 'flotilla-test-client', ['extendedKeyUsage=clientAuth']);
  return {
    ca: await readFile(file('ca.crt')),
    cert: await readFile(file('client.crt')),
    key: await readFile(file('client.key')),
    caFile: file('ca.crt'),
    certFile: file('client.crt'),
    keyFile: file('client.key'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
  };
}

/** A leaf certificate `<name>.crt`/`<name>.key` in `dir`, signed by `dir`'s ca.crt/ca.key. */
async function issue(dir: string, name: string, commonName: string, extensions: string[]): Promise<void> {
  const file = (suffix: string) => join(dir, `${name}.${suffix}`);
  await openssl('req', '-new', ...newKey(file('key')), '-out', file('csr'), '-subj', `/CN=${commonName}`);
  await writeFile(
    file('ext'),
    ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n') + '\n',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    file('csr'),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    '2',
    '-extfile',
    file('ext'),
    '-out',
    file('crt'),
  );
}

function newKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
}

async function openssl(...args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 10_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`openssl not found: ${INSTALL_HINT}`);
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${stderr.trim()}`, { cause: error });
  }
}
