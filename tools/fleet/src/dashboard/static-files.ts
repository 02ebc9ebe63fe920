import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  path: string;
  type: string;
}

// The page's files stay in src/dashboard/static (tsc copies nothing); both src/dashboard and
// dist/dashboard sit two levels below the package root, so one relative URL finds them from either.
const STATIC_DIR = new URL('../../src/dashboard/static/', import.meta.url);
const require = createRequire(import.meta.url);

/** URL path -> file. The charting library is served from node_modules, as installed. */
export const STATIC_FILES: Record<string, StaticFile> = {
  '/': { path: fileURLToPath(new URL('index.html', STATIC_DIR)), type: 'text/html; charset=utf-8' },
  '/app.js': { path: fileURLToPath(new URL('app.js', STATIC_DIR)), type: 'text/javascript; charset=utf-8' },
  '/style.css': { path: fileURLToPath(new URL('style.css', STATIC_DIR)), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': {
    path: require.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/uPlot.min.css': {
    path: require.resolve('uplot/dist/uPlot.min.css'),
    type: 'text/css; charset=utf-8',
  },
};

const cache = new Map<string, Buffer>();

export async function readStatic(file: StaticFile): Promise<Buffer> {
  let body = cache.get(file.path);
  if (!body) {
    body = await readFile(file.path);
    cache.set(file.path, body);
  }
  return body;
}
