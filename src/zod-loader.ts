/**
 * zod, loaded on first use rather than on `import('ticketry')`: zod is ~95 modules and
 * about 70 ms to load, and building ticketry's schemas costs about 30 ms more, so the
 * core imports zod's types only and builds each schema the first time it is needed.
 *
 * `require` is synchronous, so `createTicketService` still checks its config at once. zod
 * ships a CommonJS build, so the ESM and CJS builds of ticketry both load that one copy
 * (and the `ticketry/http` adapter, which uses this loader too): every schema ticketry
 * builds comes from the same zod instance.
 */
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import type * as zodModule from 'zod';

/** The `z` namespace of zod. */
export type Zod = typeof zodModule.z;

let zod: Zod | undefined;

/** zod's `z`, required on the first call. */
export function loadZod(): Zod {
  if (zod === undefined) {
    // `__filename` first in the CJS build, where tsup's `import.meta.url` shim gives an
    // http: URL once a global `document` exists (see createPurifier in render/sanitize.ts).
    const load = createRequire(typeof __filename === 'string' && isAbsolute(__filename) ? __filename : import.meta.url);
    zod = (load('zod') as typeof zodModule).z;
  }
  return zod;
}

/**
 * A schema built by `build` on the first call and the same object ever after. Module
 * constants of ticketry are these builders (`lockOptionsSchema().parse(...)`), so importing
 * a module builds nothing and loads no zod.
 */
export function lazySchema<S>(build: (z: Zod) => S): () => S {
  let schema: S | undefined;
  let built = false;
  return () => {
    if (!built) {
      schema = build(loadZod());
      built = true;
    }
    return schema as S;
  };
}
