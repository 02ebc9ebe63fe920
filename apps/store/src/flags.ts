import { Command, CommanderError, Option } from 'commander';

/** A bad flag, URL or flag combination: the program prints the message on one line and exits 2. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

export interface StoreFlags {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrls: readonly URL[];
  readonly advertiseClientUrls: readonly string[];
  readonly listenPeerUrls: readonly URL[];
  readonly initialAdvertisePeerUrls: readonly string[];
  /** Member name -> its advertised peer URLs. */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  /** etcd's --heartbeat-interval, ms. */
  readonly heartbeatIntervalMs: number;
  /** etcd's --election-timeout, ms. */
  readonly electionTimeoutMs: number;
  /** etcd's --snapshot-count: applied entries between snapshots. */
  readonly snapshotCount: number;
  /** etcd's --auto-compaction-retention with --auto-compaction-mode: '' = off. */
  readonly autoCompactionRetention: string;
  readonly autoCompactionMode: 'periodic' | 'revision';
  /** etcd's --experimental-watch-progress-notify-interval, ms. */
  readonly watchProgressNotifyIntervalMs: number;
  /** etcd's --log-level: messages below it are not printed. */
  readonly logLevel: LogLevel;
}

/** etcd's --log-level values, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'panic', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * etcd's own flag names, for what flotilla-store supports, so a script that starts etcd can start
 * it instead. Like etcd, every flag may also come from an ETCD_* environment variable
 * (--data-dir <- ETCD_DATA_DIR); a flag on the command line wins.
 */
export function parseStoreFlags(argv: readonly string[], env: NodeJS.ProcessEnv = {}): StoreFlags {
  const cmd = new Command('flotilla-store')
    .description("A Raft-replicated key-value store that speaks etcd's v3 gRPC API.")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) })
    .allowExcessArguments(false);
  const envNames = new Map<string, string>();
  const flag = (name: string, description: string, fallback: string): void => {
    const option = new Option(`--${name} <value>`, description).default(fallback);
    envNames.set(option.attributeName(), `ETCD_${name.toUpperCase().replaceAll('-', '_')}`);
    cmd.addOption(option);
  };
  flag('name', 'human-readable name for this member', 'default');
  flag('data-dir', 'path to the data directory (default: ${name}.etcd)', '');
  flag('listen-client-urls', 'URLs to listen on for client traffic', 'http://127.0.0.1:2379');
  flag('advertise-client-urls', "this member's client URLs to advertise to the cluster", '');
  flag('listen-peer-urls', 'URLs to listen on for peer traffic', 'http://127.0.0.1:2380');
  flag('initial-advertise-peer-urls', "this member's peer URLs to advertise to the cluster", '');
  flag('initial-cluster', 'initial cluster configuration for bootstrapping, name=peerURL,...', '');
  flag('initial-cluster-state', "initial cluster state ('new' or 'existing')", 'new');
  flag('initial-cluster-token', 'initial cluster token for the cluster during bootstrap', 'etcd-cluster');
  flag('heartbeat-interval', 'time (in milliseconds) of a heartbeat interval', '50');
  flag('election-timeout', 'time (in milliseconds) for an election to timeout', '250');
  flag('snapshot-count', 'number of committed transactions to trigger a snapshot', '100000');
  flag(
    'auto-compaction-retention',
    'auto compaction retention (hours or duration for periodic, revisions for revision); 0 = off',
    '0',
  );
  flag(
    'auto-compaction-mode',
    "interpret 'auto-compaction-retention' as 'periodic' or 'revision'",
    'periodic',
  );
  flag(
    'experimental-watch-progress-notify-interval',
    'duration of periodical watch progress notification',
    '10m',
  );
  // Accepted so that scripts starting etcd with them work unchanged; the store always logs JSON lines.
  flag(
    'logger',
    "'zap' for structured logging or 'capnslog'; flotilla-store writes JSON lines either way",
    'zap',
  );
  flag('log-level', 'configures log level: debug, info, warn, error, panic, or fatal', 'info');
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (
      e instanceof CommanderError &&
      (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
    ) {
      throw e;
    }
    throw new FlagError(commanderMessage(e));
  }
  const o = { ...cmd.opts<Record<string, string>>() };
  for (const [key, envName] of envNames) {
    const fromEnv = env[envName];
    if (fromEnv !== undefined && cmd.getOptionValueSource(key) === 'default') o[key] = fromEnv;
  }
  return resolveFlags(o);
}

function resolveFlags(o: Record<string, string>): StoreFlags {
  const name = nonEmpty('name', o.name);
  const listenClientUrls = urlList('listen-client-urls', o.listenClientUrls);
  const listenPeerUrls = urlList('listen-peer-urls', o.listenPeerUrls);
  const advertiseClientUrls = o.advertiseClientUrls
    ? urlList('advertise-client-urls', o.advertiseClientUrls).map(urlString)
    : listenClientUrls.map(urlString);
  const initialAdvertisePeerUrls = o.initialAdvertisePeerUrls
    ? urlList('initial-advertise-peer-urls', o.initialAdvertisePeerUrls).map(urlString)
    : listenPeerUrls.map(urlString);
  const initialCluster = o.initialCluster
    ? parseInitialCluster(o.initialCluster)
    : new Map([[name, initialAdvertisePeerUrls]]);
  const mine = initialCluster.get(name);
  if (!mine) {
    throw new FlagError(
      `--initial-cluster has no member named "${name}" (--name); it lists ${[...initialCluster.keys()].join(', ')}`,
    );
  }
  if (!sameUrls(mine, initialAdvertisePeerUrls)) {
    throw new FlagError(
      `--initial-cluster has ${name}=${mine.join(',')} but --initial-advertise-peer-urls is ${initialAdvertisePeerUrls.join(',')}`,
    );
  }
  const state = o.initialClusterState;
  if (state !== 'new' && state !== 'existing') {
    throw new FlagError(`--initial-cluster-state must be 'new' or 'existing', not '${state}'`);
  }
  const mode = o.autoCompactionMode;
  if (mode !== 'periodic' && mode !== 'revision') {
    throw new FlagError(`--auto-compaction-mode must be 'periodic' or 'revision', not '${mode}'`);
  }
  if (o.logger !== 'zap' && o.logger !== 'capnslog') {
    throw new FlagError(`--logger must be 'zap' or 'capnslog', not '${o.logger}'`);
  }
  const logLevel = LOG_LEVELS.find((l) => l === o.logLevel);
  if (!logLevel) {
    throw new FlagError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not '${o.logLevel}'`);
  }
  const heartbeatIntervalMs = positiveInt('heartbeat-interval', o.heartbeatInterval);
  const electionTimeoutMs = positiveInt('election-timeout', o.electionTimeout);
  if (electionTimeoutMs < 5 * heartbeatIntervalMs) {
    throw new FlagError(
      `--election-timeout (${electionTimeoutMs}) must be at least 5 times --heartbeat-interval (${heartbeatIntervalMs})`,
    );
  }
  return {
    name,
    dataDir: o.dataDir || `${name}.etcd`,
    listenClientUrls,
    advertiseClientUrls,
    listenPeerUrls,
    initialAdvertisePeerUrls,
    initialCluster,
    initialClusterState: state,
    initialClusterToken: nonEmpty('initial-cluster-token', o.initialClusterToken),
    heartbeatIntervalMs,
    electionTimeoutMs,
    snapshotCount: positiveInt('snapshot-count', o.snapshotCount),
    autoCompactionRetention: o.autoCompactionRetention === '0' ? '' : o.autoCompactionRetention,
    autoCompactionMode: mode,
    watchProgressNotifyIntervalMs: duration(
      'experimental-watch-progress-notify-interval',
      o.experimentalWatchProgressNotifyInterval,
    ),
    logLevel,
  };
}

/** etcd's initial-cluster: `name=url,name=url`; a name may repeat for several URLs. */
export function parseInitialCluster(value: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`--initial-cluster: "${part}" is not name=URL`);
    const name = part.slice(0, eq).trim();
    const url = urlString(parseUrl('initial-cluster', part.slice(eq + 1).trim()));
    const urls = out.get(name) ?? [];
    urls.push(url);
    out.set(name, urls);
  }
  return out;
}

function urlList(flagName: string, value: string): URL[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new FlagError(`--${flagName}: empty URL in "${value}"`);
  return parts.map((p) => parseUrl(flagName, p));
}

function parseUrl(flagName: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FlagError(`--${flagName}: "${value}" is not a URL (expected e.g. http://127.0.0.1:2379)`);
  }
  if (url.protocol === 'https:') {
    throw new FlagError(
      `--${flagName}: "${value}": TLS (https) is not supported by flotilla-store yet; use http`,
    );
  }
  if (url.protocol !== 'http:') {
    throw new FlagError(`--${flagName}: "${value}" must use http:// (got ${url.protocol})`);
  }
  if (url.port === '') throw new FlagError(`--${flagName}: "${value}" has no port`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new FlagError(`--${flagName}: "${value}" must not have a path`);
  }
  return url;
}

function urlString(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function sameUrls(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function nonEmpty(flagName: string, value: string): string {
  if (value.trim() === '') throw new FlagError(`--${flagName} must not be empty`);
  return value;
}

function positiveInt(flagName: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new FlagError(`--${flagName} must be a positive whole number, not "${value}"`);
  }
  return n;
}

/** A positive Go-style duration, as etcd's duration flags take: `10m`, `500ms`, `1h30m`, `1.5s`. */
function duration(flagName: string, value: string): number {
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 1e-6,
  };
  let ms = 0;
  let matched = '';
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    ms += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    matched += m[0];
  }
  if (matched !== value || !(ms > 0)) {
    throw new FlagError(`--${flagName} must be a positive duration (e.g. 10m, 500ms), not "${value}"`);
  }
  return ms;
}

function commanderMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^error: /, '');
}
