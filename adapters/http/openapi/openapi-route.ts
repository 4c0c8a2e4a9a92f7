/**
 * `GET {basePath}/openapi.json`: the document, built once on first request. Served without
 * `authenticate`: it describes the API, not anyone's tickets.
 */
import type { RouteDef } from '../route-kit.js';
import { openApiDocument, type OpenApiInfo } from './openapi-document.js';

export type { OpenApiInfo } from './openapi-document.js';

/** The route serving the document of `routes`. */
export function openApiRoute(routes: readonly RouteDef[], basePath: string, info: OpenApiInfo | undefined): RouteDef {
  let document: string | undefined;
  const route: RouteDef = {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'meta',
    public: true,
    response: { status: 200, description: 'The OpenAPI 3.1 document', schema: undefined },
    handle: async () => {
      document ??= JSON.stringify(openApiDocument([...routes, route], basePath, info));
      return new Response(document, {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' },
      });
    },
  };
  return route;
}
