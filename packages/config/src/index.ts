// The public surface of @telltale/config: named exports only.
export { envBool, envList, envNumber } from './env-values.ts';
export { expandEnv } from './expand-env.ts';
export type { IssueAt } from './issue.ts';
export { issueAt } from './issue.ts';
export type { ConfigProblem, ConfigResult, LayeredConfigOptions } from './layered.ts';
export { loadLayeredConfig, validateConfig } from './layered.ts';
