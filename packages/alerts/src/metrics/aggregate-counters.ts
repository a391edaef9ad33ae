import { type AggregateRecord, OVERFLOW, picoToUsd, type SafetyKind, WORKFLOW_OUTCOMES } from '@telltale/conventions';
import { Counter, type Registry } from 'prom-client';
import { LabelCap } from './label-cap.ts';

export interface AggregateCounterOptions {
  /** Add a tenant label to the per-workflow counters. */
  tenantLabel: boolean;
  maxTenants: number;
  limits: { services: number; workflows: number; tools: number; models: number; policies: number };
}

/** Token types as metric label values (snake_case, as the GenAI conventions spell them). */
const TOKEN_TYPE_LABELS = {
  input: 'input',
  output: 'output',
  cacheRead: 'cache_read',
  reasoning: 'reasoning',
} as const;

/**
 * The counters fed from every applied aggregate: Prometheus sums them and
 * computes rates; since each aggregate id is applied once, they count every
 * workflow, tool call, token and dollar once. Money is summed exactly in
 * picodollars and exposed in USD.
 */
export class AggregateCounters {
  readonly #workflowRuns: Counter<string>;
  readonly #fallbackWorkflows: Counter<string>;
  readonly #fallbacks: Counter<string>;
  readonly #toolCalls: Counter<string>;
  readonly #safety: Counter<string>;
  readonly #modelCalls: Counter<string>;
  readonly #tokens: Counter<string>;
  readonly #unpriced: Counter<string>;
  /** Exact sums behind the USD counters: label set (JSON) → picodollars. */
  readonly #workflowCost = new Map<string, bigint>();
  readonly #modelCost = new Map<string, bigint>();
  readonly #tenantLabel: boolean;
  readonly #caps: Record<'service' | 'workflow' | 'tenant' | 'tool' | 'model' | 'policy', LabelCap>;

  constructor(registry: Registry, options: AggregateCounterOptions) {
    const registers = [registry];
    this.#tenantLabel = options.tenantLabel;
    const wf = options.tenantLabel ? ['service', 'workflow', 'tenant'] : ['service', 'workflow'];
    this.#caps = {
      service: new LabelCap(options.limits.services),
      workflow: new LabelCap(options.limits.workflows),
      tenant: new LabelCap(options.maxTenants),
      tool: new LabelCap(options.limits.tools),
      model: new LabelCap(options.limits.models),
      policy: new LabelCap(options.limits.policies),
    };
    this.#workflowRuns = new Counter({
      name: 'telltale_workflow_runs_total',
      help: 'Workflows that ended, by outcome (success, failure, handoff, abandoned).',
      labelNames: [...wf, 'outcome'],
      registers,
    });
    this.#fallbackWorkflows = new Counter({
      name: 'telltale_workflows_with_fallback_total',
      help: 'Workflows that ended with at least one fallback.',
      labelNames: wf,
      registers,
    });
    this.#fallbacks = new Counter({
      name: 'telltale_fallbacks_total',
      help: 'Fallback activations (events; a workflow may have several).',
      labelNames: ['service', 'workflow'],
      registers,
    });
    this.#toolCalls = new Counter({
      name: 'telltale_tool_calls_total',
      help: 'Tool calls that ended, by tool and outcome (success, error).',
      labelNames: ['service', 'workflow', 'tool', 'outcome'],
      registers,
    });
    this.#safety = new Counter({
      name: 'telltale_safety_events_total',
      help: 'Safety events by kind (policy_triggered, blocked, fallback, escalated) and policy.',
      labelNames: [...wf, 'kind', 'policy'],
      registers,
    });
    this.#modelCalls = new Counter({
      name: 'telltale_model_calls_total',
      help: 'Model calls by provider, model and outcome (success, error).',
      labelNames: ['service', 'provider', 'model', 'outcome'],
      registers,
    });
    this.#tokens = new Counter({
      name: 'telltale_model_tokens_total',
      help: 'Model tokens by provider, model and type (input, output, cache_read, reasoning).',
      labelNames: ['service', 'provider', 'model', 'type'],
      registers,
    });
    this.#unpriced = new Counter({
      name: 'telltale_model_unpriced_calls_total',
      help: 'Model calls with no cost and no price: their spend is unknown, not zero.',
      labelNames: ['service', 'provider', 'model'],
      registers,
    });
    const exactUsd = (name: string, help: string, labelNames: string[], sums: Map<string, bigint>) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          // Set from the exact picodollar sums at each scrape, so float rounding never accumulates.
          this.reset();
          for (const [k, pico] of sums) this.inc(JSON.parse(k) as Record<string, string>, picoToUsd(pico));
        },
      });
    exactUsd(
      'telltale_workflow_cost_usd_total',
      'All model spend of the workflows that ended (failed ones too), in USD.',
      wf,
      this.#workflowCost,
    );
    exactUsd(
      'telltale_model_cost_usd_total',
      'Model spend by provider and model, in USD (priced calls only).',
      ['service', 'provider', 'model'],
      this.#modelCost,
    );
  }

  /** Adds one applied aggregate. */
  add(a: AggregateRecord): void {
    const service = this.#caps.service.value(a.key.service);
    const workflow = this.#caps.workflow.value(a.key.workflow);
    const wf: Record<string, string> = this.#tenantLabel
      ? { service, workflow, tenant: this.#caps.tenant.value(a.key.tenant) }
      : { service, workflow };
    for (const outcome of WORKFLOW_OUTCOMES) this.#workflowRuns.inc({ ...wf, outcome }, a.workflows[outcome]);
    this.#fallbackWorkflows.inc(wf, a.workflowsWithFallback);
    this.#fallbacks.inc({ service, workflow }, a.fallbacks);
    addPico(this.#workflowCost, wf, BigInt(a.workflowCost.picoUsd));
    for (const [name, t] of Object.entries(a.tools)) {
      const tool = this.#caps.tool.value(name);
      this.#toolCalls.inc({ service, workflow, tool, outcome: 'success' }, t.successes);
      this.#toolCalls.inc({ service, workflow, tool, outcome: 'error' }, t.calls - t.successes);
    }
    for (const [kind, byPolicy] of Object.entries(a.safety) as [SafetyKind, Record<string, number>][])
      for (const [p, n] of Object.entries(byPolicy))
        this.#safety.inc({ ...wf, kind, policy: this.#caps.policy.value(p) }, n);
    for (const m of Object.values(a.models)) {
      // One cap over provider/model pairs; past it both labels read __overflow__.
      const pair = `${m.provider}/${m.model}`;
      const capped = this.#caps.model.value(pair) !== pair;
      const labels = capped
        ? { service, provider: OVERFLOW, model: OVERFLOW }
        : { service, provider: m.provider, model: m.model };
      this.#modelCalls.inc({ ...labels, outcome: 'success' }, m.calls - m.errors);
      this.#modelCalls.inc({ ...labels, outcome: 'error' }, m.errors);
      for (const [type, label] of Object.entries(TOKEN_TYPE_LABELS))
        this.#tokens.inc({ ...labels, type: label }, m.tokens[type as keyof typeof TOKEN_TYPE_LABELS]);
      this.#unpriced.inc(labels, m.cost.unpricedCalls);
      addPico(this.#modelCost, labels, BigInt(m.cost.picoUsd));
    }
  }

  /** Label values folded into `__overflow__` so far. */
  overflowed(): number {
    return Object.values(this.#caps).reduce((n, c) => n + c.overflowed, 0);
  }
}

function addPico(sums: Map<string, bigint>, labels: Record<string, string>, pico: bigint): void {
  const k = JSON.stringify(labels);
  sums.set(k, (sums.get(k) ?? 0n) + pico);
}
