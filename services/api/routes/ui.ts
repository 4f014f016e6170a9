import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors.ts';
import { repoPath } from '../../common/runtime-paths.ts';

/** Static files are not compiled: served from the sources' folder, also when the API runs from dist/. */
const UI_DIR = repoPath('services', 'api', 'ui');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
/** Scripts, styles and data only from this origin; no inline script or style, no framing. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Every file under the UI folder, read once at start: the static route serves only these. */
function loadFiles(dir: string): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = TYPES[name.slice(name.lastIndexOf('.'))];
        if (type) files.set(relative(dir, path).split('\\').join('/'), { body: readFileSync(path), type });
      }
    }
  };
  walk(dir);
  return files;
}

/** The triage web UI: a static single-page app under /ui (no data in it; every data call carries the token). */
export default async function uiRoutes(app: FastifyInstance): Promise<void> {
  const files = loadFiles(UI_DIR);
  const serve = (name: string) => {
    const file = files.get(name);
    if (!file) throw errors.notFound(`/ui/${name}`);
    return file;
  };
  const options = { config: { public: true }, schema: { hide: true } };
  app.get('/ui', options, async (_request, reply) => reply.redirect('/ui/'));
  app.get<{ Params: { '*': string } }>('/ui/*', options, async (request, reply) => {
    const file = serve(request.params['*'] || 'index.html');
    return reply
      .type(file.type)
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(file.body);
  });
}
