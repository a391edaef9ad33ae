/** Version metadata onto span start attributes: a per-call override wins over what start() was given. */
import type { Attributes } from '@opentelemetry/api';
import {
  TELLTALE_VERSION_POLICY,
  TELLTALE_VERSION_PROMPT,
  TELLTALE_VERSION_RETRIEVAL_CONFIG,
} from '@telltale/conventions';
import type { Versions } from './runtime.ts';
import { optionalName } from './sanitize.ts';

export function addVersions(attributes: Attributes, defaults: Versions, override: Versions | undefined): void {
  const prompt = override?.prompt === undefined ? defaults.prompt : optionalName(override.prompt);
  const policy = override?.policy === undefined ? defaults.policy : optionalName(override.policy);
  const retrieval =
    override?.retrievalConfig === undefined ? defaults.retrievalConfig : optionalName(override.retrievalConfig);
  if (prompt !== undefined) attributes[TELLTALE_VERSION_PROMPT] = prompt;
  if (policy !== undefined) attributes[TELLTALE_VERSION_POLICY] = policy;
  if (retrieval !== undefined) attributes[TELLTALE_VERSION_RETRIEVAL_CONFIG] = retrieval;
}
