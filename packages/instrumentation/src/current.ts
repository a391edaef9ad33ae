/**
 * The client the module-level calls use: the one `start` made, or until then
 * a default over the global OTel API (spans go wherever a registered provider
 * sends them; with none, the calls only run fn).
 */
import { TelltaleClient } from './client.ts';
import { createRuntime } from './runtime.ts';

let fallbackClient: TelltaleClient | undefined;
let current: TelltaleClient | undefined;

export function currentClient(): TelltaleClient {
  if (current !== undefined) return current;
  fallbackClient ??= new TelltaleClient(createRuntime());
  return fallbackClient;
}

export function setCurrentClient(client: TelltaleClient | undefined): void {
  current = client;
}
