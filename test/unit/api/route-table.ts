import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  method: string;
  /** The route's path as registered (`:id` parameters, `*` wildcards). */
  url: string;
}

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

/**
 * Every route fastify serves, read from its own route table (`printRoutes`, a radix tree), so a route missing from the OpenAPI
 * document is still listed. Each tree line appends its segment to its parent's path.
 */
export function servedRoutes(app: FastifyInstance): ServedRoute[] {
  const stack: string[] = [];
  const routes: ServedRoute[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    const url = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack.push(url);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url });
  }
  return routes;
}
