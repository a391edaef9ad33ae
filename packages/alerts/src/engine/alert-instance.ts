import type { Silence } from './silences.ts';

/** One alert instance (a rule and a label set) the engine is tracking: pending or firing. */
export interface AlertInstance {
  rule: string;
  dedupKey: string;
  /** The group_by labels that identify the instance. */
  groupLabels: Record<string, string>;
  /** Every label it is sent with: alertname, severity, the rule's labels, the group labels. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: 'critical' | 'error' | 'warning' | 'info';
  state: 'pending' | 'firing';
  /** When the condition started holding (pending since), ms. */
  activeAt: number;
  /** When it started firing, ms. */
  firingAt: number | null;
  /** The last evaluation at which the condition held, ms (keep_firing_for counts from here). */
  lastActiveAt: number;
  /** The trigger was handed to the pager: after a restart it is not sent again. */
  paged: boolean;
  /** The silence keeping it from paging, at the last evaluation. */
  silencedBy: string | null;
  value: number;
  values: Record<string, number>;
}

/** What the engine persists: enough to resume every incident after a restart. */
export interface EngineSnapshot {
  version: 1;
  /** The last evaluation time, ms. */
  evaluatedAt: number | null;
  instances: AlertInstance[];
  silences: Silence[];
}
