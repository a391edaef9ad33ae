import { aggregateRecordSchema, OVERFLOW } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { modelSpan } from '../../test/spans.ts';
import type { Mark } from '../engine/mark.ts';
import { Window } from '../windows/window.ts';
import { windowRecords } from './aggregate-record.ts';

const mark: Mark = { position: 0n, streamTimeMs: -Infinity, forcedClosedEndMs: -Infinity };
const limits = { services: 100, workflows: 100, tenants: 100, tools: 100, models: 3, policies: 100, keys: 100 };

/**
 * One window with every part of a record in use: several outcomes, tools and
 * models added out of order (and a model past the cap), safety kinds and
 * policies out of order, money past 1e9 and past 2^53, a key that needs JSON
 * escaping in the id, and keys that only ever saw one kind of span.
 */
function knownWindow(): Window {
  const w = new Window(1_700_000_000_000, 1_700_000_010_000, mark, limits, () => {});
  const c = w.counts;
  const a = w.keyId('checkout', 'answer-ticket', 'tenant-7', mark);
  c.addWorkflow(a, 'success', false, 1_234_567_890_123, 2, 0);
  c.addWorkflow(a, 'failure', true, 5, 1, 1);
  c.addWorkflow(a, 'success', false, 0, 0, 1);
  c.addWorkflow(a, 'handoff', false, BigInt(Number.MAX_SAFE_INTEGER) + 10n, 1, 0);
  c.addTool(a, w.toolId('search'), true);
  c.addTool(a, w.toolId('calculator'), false);
  c.addTool(a, w.toolId('search'), false);
  c.addTool(a, w.toolId('kb_fetch'), true);
  const gpt = w.modelId('openai', 'gpt-4o-mini');
  const claude = w.modelId('anthropic', 'claude-sonnet-4');
  c.addModel(
    a,
    gpt,
    modelSpan({ inputTokens: 1000, outputTokens: 100, cacheReadTokens: 7, reasoningTokens: 3 }),
    1_500,
  );
  c.addModel(a, claude, modelSpan({ statusCode: 2, inputTokens: 10, outputTokens: 1 }), undefined);
  c.addModel(a, gpt, modelSpan({ inputTokens: 1, outputTokens: 2 }), 3_000_000_000);
  c.addModel(a, w.modelId('google', 'gemini'), modelSpan(), 0);
  c.addModel(a, w.modelId('mistral', 'large'), modelSpan(), 12);
  c.addSafety(a, 'fallback', 'model-down');
  c.addSafety(a, 'blocked', 'pii');
  c.addSafety(a, 'fallback', 'latency');
  c.addSafety(a, 'blocked', 'jailbreak');
  c.addSafety(a, 'fallback', 'model-down');
  const b = w.keyId('quo"te\\svc\n', '', '', mark);
  c.addWorkflow(b, 'abandoned', false, 0, 0, 0);
  const d = w.keyId('search-api', 'summarize', 'tenant-1', mark);
  c.addTool(d, w.toolId('search'), true);
  const e = w.keyId('support-bot', 'route-claim', OVERFLOW, mark);
  c.addModel(e, w.modelId('openai', 'gpt-4o-mini'), modelSpan(), undefined);
  c.addSafety(e, 'escalated', 'human-review');
  return w;
}

describe('window records', () => {
  it('serialize to exactly these bytes: ids, key order, money strings and sorted maps included', () => {
    const records = windowRecords('otlp_spans/3', knownWindow());
    for (const r of records) aggregateRecordSchema.parse(r);
    expect(JSON.stringify(records, null, 1)).toBe(EXPECTED);
  });

  it('are one per key, in the order the keys first appeared', () => {
    const records = windowRecords('otlp_spans/3', knownWindow());
    expect(records.map((r) => r.key.service)).toEqual(['checkout', 'quo"te\\svc\n', 'search-api', 'support-bot']);
  });
});

// The JSON text as written before emission was tuned for speed; raw, so JSON's escapes read as they are.
const EXPECTED = String.raw`[
 {
  "schema": "telltale.aggregate.v1",
  "id": "3faddf0122aa097b1dca12df1f9a2436",
  "shard": "otlp_spans/3",
  "window": {
   "startMs": 1700000000000,
   "endMs": 1700000010000
  },
  "key": {
   "service": "checkout",
   "workflow": "answer-ticket",
   "tenant": "tenant-7"
  },
  "workflows": {
   "success": 2,
   "failure": 1,
   "handoff": 1,
   "abandoned": 0
  },
  "workflowsWithFallback": 1,
  "workflowCost": {
   "picoUsd": "9008433822631129",
   "pricedCalls": 4,
   "unpricedCalls": 2
  },
  "tools": {
   "calculator": {
    "calls": 1,
    "successes": 0
   },
   "kb_fetch": {
    "calls": 1,
    "successes": 1
   },
   "search": {
    "calls": 2,
    "successes": 1
   }
  },
  "models": {
   "__overflow__/__overflow__": {
    "provider": "__overflow__",
    "model": "__overflow__",
    "calls": 1,
    "errors": 0,
    "tokens": {
     "input": 1000,
     "output": 100,
     "cacheRead": 0,
     "reasoning": 0
    },
    "cost": {
     "picoUsd": "12",
     "pricedCalls": 1,
     "unpricedCalls": 0
    }
   },
   "anthropic/claude-sonnet-4": {
    "provider": "anthropic",
    "model": "claude-sonnet-4",
    "calls": 1,
    "errors": 1,
    "tokens": {
     "input": 10,
     "output": 1,
     "cacheRead": 0,
     "reasoning": 0
    },
    "cost": {
     "picoUsd": "0",
     "pricedCalls": 0,
     "unpricedCalls": 1
    }
   },
   "google/gemini": {
    "provider": "google",
    "model": "gemini",
    "calls": 1,
    "errors": 0,
    "tokens": {
     "input": 1000,
     "output": 100,
     "cacheRead": 0,
     "reasoning": 0
    },
    "cost": {
     "picoUsd": "0",
     "pricedCalls": 1,
     "unpricedCalls": 0
    }
   },
   "openai/gpt-4o-mini": {
    "provider": "openai",
    "model": "gpt-4o-mini",
    "calls": 2,
    "errors": 0,
    "tokens": {
     "input": 1001,
     "output": 102,
     "cacheRead": 7,
     "reasoning": 3
    },
    "cost": {
     "picoUsd": "3000001500",
     "pricedCalls": 2,
     "unpricedCalls": 0
    }
   }
  },
  "fallbacks": 3,
  "safety": {
   "blocked": {
    "jailbreak": 1,
    "pii": 1
   },
   "fallback": {
    "latency": 1,
    "model-down": 2
   }
  }
 },
 {
  "schema": "telltale.aggregate.v1",
  "id": "bb78dedac374f4c9f5ae874bd7c05022",
  "shard": "otlp_spans/3",
  "window": {
   "startMs": 1700000000000,
   "endMs": 1700000010000
  },
  "key": {
   "service": "quo\"te\\svc\n",
   "workflow": "",
   "tenant": ""
  },
  "workflows": {
   "success": 0,
   "failure": 0,
   "handoff": 0,
   "abandoned": 1
  },
  "workflowsWithFallback": 0,
  "workflowCost": {
   "picoUsd": "0",
   "pricedCalls": 0,
   "unpricedCalls": 0
  },
  "tools": {},
  "models": {},
  "fallbacks": 0,
  "safety": {}
 },
 {
  "schema": "telltale.aggregate.v1",
  "id": "b827453d937146387c9cd1c8abdfa54f",
  "shard": "otlp_spans/3",
  "window": {
   "startMs": 1700000000000,
   "endMs": 1700000010000
  },
  "key": {
   "service": "search-api",
   "workflow": "summarize",
   "tenant": "tenant-1"
  },
  "workflows": {
   "success": 0,
   "failure": 0,
   "handoff": 0,
   "abandoned": 0
  },
  "workflowsWithFallback": 0,
  "workflowCost": {
   "picoUsd": "0",
   "pricedCalls": 0,
   "unpricedCalls": 0
  },
  "tools": {
   "search": {
    "calls": 1,
    "successes": 1
   }
  },
  "models": {},
  "fallbacks": 0,
  "safety": {}
 },
 {
  "schema": "telltale.aggregate.v1",
  "id": "67b57e89d4f01435e2274a3fcc728d2f",
  "shard": "otlp_spans/3",
  "window": {
   "startMs": 1700000000000,
   "endMs": 1700000010000
  },
  "key": {
   "service": "support-bot",
   "workflow": "route-claim",
   "tenant": "__overflow__"
  },
  "workflows": {
   "success": 0,
   "failure": 0,
   "handoff": 0,
   "abandoned": 0
  },
  "workflowsWithFallback": 0,
  "workflowCost": {
   "picoUsd": "0",
   "pricedCalls": 0,
   "unpricedCalls": 0
  },
  "tools": {},
  "models": {
   "openai/gpt-4o-mini": {
    "provider": "openai",
    "model": "gpt-4o-mini",
    "calls": 1,
    "errors": 0,
    "tokens": {
     "input": 1000,
     "output": 100,
     "cacheRead": 0,
     "reasoning": 0
    },
    "cost": {
     "picoUsd": "0",
     "pricedCalls": 0,
     "unpricedCalls": 1
    }
   }
  },
  "fallbacks": 0,
  "safety": {
   "escalated": {
    "human-review": 1
   }
  }
 }
]`;
