/**
 * Ground truth: what the assistant emitted, counted as it emits it, so a test
 * or the demo can compare telltale's aggregates with what really happened.
 * Cost is summed in picodollars, exactly as the processor sums it.
 */
import { type SafetyKind, usdToPico, type WorkflowOutcome } from '@telltale/conventions';

export interface CallCounts {
  success: number;
  failure: number;
}

export interface ModelTally extends CallCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

export interface TallySnapshot {
  workflows: Record<WorkflowOutcome, number>;
  workflowsByTenant: Record<string, number>;
  /** Workflows with at least one fallback. */
  workflowsWithFallback: number;
  /** One count per tool span (every attempt). */
  tools: Record<string, CallCounts>;
  /** Keyed by request model. */
  models: Record<string, ModelTally>;
  safety: Record<SafetyKind, number>;
  /** Total model spend, picodollars as a decimal string. */
  costPico: string;
  costUsd: number;
}

export class Tally {
  private readonly workflows: Record<WorkflowOutcome, number> = { success: 0, failure: 0, handoff: 0, abandoned: 0 };
  private readonly byTenant = new Map<string, number>();
  private withFallback = 0;
  private readonly tools = new Map<string, CallCounts>();
  private readonly models = new Map<string, ModelTally>();
  private readonly safetyKinds: Record<SafetyKind, number> = {
    policy_triggered: 0,
    blocked: 0,
    fallback: 0,
    escalated: 0,
  };
  private cost = 0n;

  workflow(tenant: string, outcome: WorkflowOutcome, hadFallback: boolean): void {
    this.workflows[outcome]++;
    this.byTenant.set(tenant, (this.byTenant.get(tenant) ?? 0) + 1);
    if (hadFallback) this.withFallback++;
  }

  tool(name: string, ok: boolean): void {
    const c = this.tools.get(name) ?? { success: 0, failure: 0 };
    if (ok) c.success++;
    else c.failure++;
    this.tools.set(name, c);
  }

  model(
    model: string,
    ok: boolean,
    usage?: { input: number; output: number; cacheRead: number; costUsd: number },
  ): void {
    const m = this.models.get(model) ?? { success: 0, failure: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 };
    if (ok) m.success++;
    else m.failure++;
    if (usage !== undefined) {
      m.inputTokens += usage.input;
      m.outputTokens += usage.output;
      m.cacheReadTokens += usage.cacheRead;
      this.cost += usdToPico(usage.costUsd);
    }
    this.models.set(model, m);
  }

  safety(kind: SafetyKind): void {
    this.safetyKinds[kind]++;
  }

  snapshot(): TallySnapshot {
    return {
      workflows: { ...this.workflows },
      workflowsByTenant: Object.fromEntries(this.byTenant),
      workflowsWithFallback: this.withFallback,
      tools: Object.fromEntries([...this.tools].map(([k, v]) => [k, { ...v }])),
      models: Object.fromEntries([...this.models].map(([k, v]) => [k, { ...v }])),
      safety: { ...this.safetyKinds },
      costPico: this.cost.toString(),
      costUsd: Number(this.cost) / 1e12,
    };
  }
}
