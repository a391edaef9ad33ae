/**
 * Making ESM apps instrumentable: the auto-instrumentations patch modules
 * through require(), which ESM imports bypass.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { diag } from '@opentelemetry/api';
import { register as registerImportHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import type { TelltaleConfig } from './options.ts';

let esmHooksRegistered = false;

/**
 * ESM `import express from 'express'` bypasses require(), so the express
 * instrumentation only sees it through an import hook. A synchronous,
 * in-thread hook limited to the patched packages keeps its cost to those
 * imports. Only modules imported after start() are patched: start telltale
 * before importing express.
 */
export function registerEsmHooks(config: TelltaleConfig): void {
  if (esmHooksRegistered || !config.instrumentations.express) return;
  try {
    if (!supportsSyncHooks()) {
      diag.info(
        `telltale: Node.js ${process.version} has no synchronous module hooks (22.22.3+, 24.11.1+); express imported with ESM import is not instrumented`,
      );
      return;
    }
    registerImportHooks({ include: ['express'] });
    esmHooksRegistered = true;
  } catch (err) {
    diag.debug('telltale: could not register the ESM import hook', err);
  }
}

/**
 * ESM code imports node:http without going through require(), so the
 * require hook the http instrumentation relies on never fires. Requiring the
 * builtins once lets it patch them, and syncing the ESM exports makes
 * `import http from 'node:http'` see the patched functions.
 */
export function patchLoadedBuiltins(config: TelltaleConfig): void {
  if (!config.instrumentations.http) return;
  try {
    const require = createRequire(import.meta.url);
    require('node:http');
    require('node:https');
    syncBuiltinESMExports();
  } catch (err) {
    diag.debug('telltale: could not patch node:http for ESM', err);
  }
}
