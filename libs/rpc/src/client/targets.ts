import { registerNameResolver } from '@flotilla/discovery';

/** Scheme for static endpoint lists: `static:///10.0.0.1:50051,10.0.0.2:50051`. */
export const STATIC_SCHEME = 'static';

let staticRegistered = false;

/**
 * Registers the `static:///h1:p1,h2:p2` resolver (through the same adapter as the etcd resolver),
 * so static lists get the same load balancing, breakers and retries as discovered services.
 */
export function registerStaticResolver(): void {
  if (staticRegistered) return;
  staticRegistered = true;
  registerNameResolver(STATIC_SCHEME, {
    create(target, sink) {
      const report = () => {
        try {
          sink.update(parseStaticList(target.path));
        } catch (error) {
          sink.error(3, (error as Error).message);
        }
      };
      report();
      return { refresh: report, destroy: () => undefined };
    },
    defaultAuthority: (target) => (target.path.split(',')[0] ?? 'localhost').replace(/[/[\]]/g, ''),
  });
}

/** `h1:p1,[::1]:p2` -> host/port pairs; throws naming the bad entry. */
export function parseStaticList(list: string): { host: string; port: number }[] {
  const entries = list
    .replace(/^\/+/, '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new Error(`static target "${list}" lists no endpoints`);
  return entries.map((entry) => {
    const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535)
      throw new Error(`static target entry "${entry}" is not host:port`);
    return { host: match[1] ?? match[2] ?? '', port };
  });
}

/** Normalises a target: an array of `host:port` becomes `static:///a,b`. */
export function normaliseTarget(target: string | readonly string[]): string {
  if (typeof target !== 'string') {
    parseStaticList(target.join(','));
    return `${STATIC_SCHEME}:///${target.join(',')}`;
  }
  if (target.startsWith(`${STATIC_SCHEME}:`)) parseStaticList(target.slice(STATIC_SCHEME.length + 1));
  return target;
}

/** The service name a target names: `greeter` for `etcd:///greeter`; undefined for static lists. */
export function serviceNameOfTarget(target: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/[^/]*\/(.+)$/i.exec(target);
  if (!match || match[1] === STATIC_SCHEME) return undefined;
  const path = (match[2] ?? '').replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || undefined;
}
