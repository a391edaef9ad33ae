/**
 * The support assistant: one `support_request` workflow per customer message.
 * It classifies the message with one model, uses tools (looking up orders,
 * searching the knowledge base, refunding), answers with another model
 * (falling back to a smaller one when the primary is overloaded), and applies
 * a few safety policies. Everything is instrumented with telltale, and every
 * emitted fact is also counted in a ground-truth tally.
 */

import type { WorkflowOutcome } from '@telltale/conventions';
import { fallback, modelCall, safety, tool, type WorkflowHandle, workflow } from '@telltale/instrumentation';
import { anthropicMessage, costUsd, ModelOverloadedError, type OpenAiChatResponse, openAiChat } from './fake-model.ts';
import { type Random, seededRandom } from './random.ts';
import { Tally } from './tally.ts';
import { FakeTools, type ToolFailure, type ToolName } from './tools.ts';

export const WORKFLOW_NAME = 'support_request';
export const CLASSIFIER_MODEL = 'gpt-4o-mini';
export const PRIMARY_MODEL = 'claude-sonnet-4-5';
export const FALLBACK_MODEL = 'claude-haiku-4-5';
export const PROMPT_VERSION = 'support-v3';

export type Intent = 'order_status' | 'refund' | 'question' | 'injection';

export interface SupportRequest {
  tenant: string;
  message: string;
}

export interface SupportReply {
  outcome: WorkflowOutcome;
  answer: string;
  traceId: string;
}

export interface AssistantOptions {
  /** A tool that fails (every call, or with `failureRate`). */
  failingTool?: ToolName;
  /** Probability a call of `failingTool` fails. Default 1. */
  failureRate?: number;
  /** Probability the primary answer model is overloaded (then it falls back). Default 0.1. */
  overloadRate?: number;
  /** Refunds above this need a human. Default 250 USD. */
  refundLimitUsd?: number;
  /** Seed of the assistant's randomness (failures, overloads). Default 1. */
  seed?: number;
}

export class Assistant {
  readonly tally = new Tally();
  private readonly tools: FakeTools;
  private readonly random: Random;
  private readonly overloadRate: number;
  private readonly refundLimitUsd: number;

  constructor(options: AssistantOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.tools = new FakeTools(this.random, failureOf(options.failingTool, options.failureRate));
    this.overloadRate = options.overloadRate ?? 0.1;
    this.refundLimitUsd = options.refundLimitUsd ?? 250;
  }

  /** Makes a tool start (or, with undefined, stop) failing. */
  setFailingTool(tool: ToolName | undefined, rate = 1): void {
    this.tools.setFailure(failureOf(tool, rate));
  }

  /** Handles one request. Never rejects: a failed workflow comes back with outcome `failure`. */
  async runWorkflow(request: SupportRequest): Promise<SupportReply> {
    let traceId = '';
    let hadFallback = false;
    let outcome: WorkflowOutcome = 'failure';
    const run = async (wf: WorkflowHandle): Promise<string> => {
      traceId = wf.traceId;
      const result = await this.handle(request, wf, () => {
        hadFallback = true;
      });
      outcome = result.outcome;
      wf.outcome(result.outcome);
      return result.answer;
    };
    try {
      const answer = await workflow(WORKFLOW_NAME, { tenant: request.tenant }, run);
      this.tally.workflow(request.tenant, outcome, hadFallback);
      return { outcome, answer, traceId };
    } catch (err) {
      this.tally.workflow(request.tenant, 'failure', hadFallback);
      return { outcome: 'failure', answer: `Sorry, something went wrong (${(err as Error).name}).`, traceId };
    }
  }

  private async handle(
    request: SupportRequest,
    wf: WorkflowHandle,
    onFallback: () => void,
  ): Promise<{ outcome: WorkflowOutcome; answer: string }> {
    const intent = await this.classify(request.message);
    wf.decision('intent', intent);
    if (intent === 'injection') {
      safety.blocked({ policy: 'prompt_injection', action: 'refuse', severity: 'error' });
      this.tally.safety('blocked');
      return { outcome: 'abandoned', answer: 'I cannot help with that.' };
    }
    let facts: string;
    if (intent === 'question') {
      const articles = await this.callTool('search_kb', (fail) => this.tools.searchKb(request.message, fail));
      facts = articles.join(' ');
    } else {
      const orderId = /#?(\d+)/.exec(request.message)?.[1] ?? '1';
      const order = await this.callTool('lookup_order', (fail) => this.tools.lookupOrder(orderId, fail));
      if (intent === 'refund') {
        if (order.amountUsd > this.refundLimitUsd) {
          safety.escalated({ policy: 'refund_limit', action: 'handoff_to_agent', severity: 'warning' });
          this.tally.safety('escalated');
          wf.decision('refund', 'needs_human');
          return { outcome: 'handoff', answer: 'A colleague will review this refund.' };
        }
        const refund = await this.callTool('refund', (fail) => this.tools.refund(order, fail));
        wf.decision('refund', 'issued');
        facts = `Refund ${refund.refundId} of $${refund.amountUsd} issued.`;
      } else {
        facts = `Order ${order.id} is ${order.status}.`;
      }
    }
    const answer = await this.compose(request.message, facts, onFallback);
    if (/@/.test(request.message)) {
      safety.policyTriggered({ policy: 'pii', action: 'redact', severity: 'info' });
      this.tally.safety('policy_triggered');
    }
    return { outcome: 'success', answer };
  }

  private async classify(message: string): Promise<Intent> {
    const text = message.toLowerCase();
    const intent: Intent = text.includes('ignore previous instructions')
      ? 'injection'
      : text.includes('refund')
        ? 'refund'
        : /order|package|shipping/.test(text)
          ? 'order_status'
          : 'question';
    const prompt = `Classify the support message: ${message}`;
    const response = await modelCall(
      { provider: 'openai', model: CLASSIFIER_MODEL, versions: { prompt: PROMPT_VERSION } },
      async (call): Promise<OpenAiChatResponse> => {
        const res = openAiChat(CLASSIFIER_MODEL, prompt, intent);
        call.setCost(costUsd(CLASSIFIER_MODEL, res.usage.prompt_tokens, res.usage.completion_tokens));
        return res;
      },
    );
    this.tally.model(CLASSIFIER_MODEL, true, {
      input: response.usage.prompt_tokens,
      output: response.usage.completion_tokens,
      cacheRead: 0,
      costUsd: costUsd(CLASSIFIER_MODEL, response.usage.prompt_tokens, response.usage.completion_tokens),
    });
    return intent;
  }

  private async compose(message: string, facts: string, onFallback: () => void): Promise<string> {
    const prompt = `Customer: ${message}\nFacts: ${facts}\nWrite a short helpful answer.`;
    const reply = `Thanks for reaching out. ${facts}`;
    try {
      return await this.answerWith(PRIMARY_MODEL, prompt, reply, this.random() < this.overloadRate);
    } catch (err) {
      if (!(err instanceof ModelOverloadedError)) throw err;
      fallback({ from: PRIMARY_MODEL, to: FALLBACK_MODEL, reason: 'overloaded' });
      this.tally.safety('fallback');
      onFallback();
      return this.answerWith(FALLBACK_MODEL, prompt, reply, false);
    }
  }

  private async answerWith(model: string, prompt: string, reply: string, overloaded: boolean): Promise<string> {
    try {
      const message = await modelCall({ provider: 'anthropic', model }, async (call) => {
        if (overloaded) throw new ModelOverloadedError(`${model} is overloaded`);
        const res = anthropicMessage(model, prompt, reply, 64);
        const input = res.usage.input_tokens + res.usage.cache_read_input_tokens;
        call.setCost(costUsd(model, input, res.usage.output_tokens));
        return res;
      });
      const input = message.usage.input_tokens + message.usage.cache_read_input_tokens;
      this.tally.model(model, true, {
        input,
        output: message.usage.output_tokens,
        cacheRead: message.usage.cache_read_input_tokens,
        costUsd: costUsd(model, input, message.usage.output_tokens),
      });
      return message.content.map((c) => c.text).join('');
    } catch (err) {
      this.tally.model(model, false);
      throw err;
    }
  }

  /** One tool call with one retry; the second failure fails the workflow. */
  private async callTool<T>(name: ToolName, run: (fail: boolean) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const fail = this.tools.willFail(name);
      try {
        const result = await tool(name, { attempt, callId: `call_${name}_${attempt}` }, () => run(fail));
        this.tally.tool(name, true);
        return result;
      } catch (err) {
        this.tally.tool(name, false);
        if (attempt >= 2) throw err;
      }
    }
  }
}

export function createAssistant(options: AssistantOptions = {}): Assistant {
  return new Assistant(options);
}

function failureOf(tool: ToolName | undefined, rate: number | undefined): ToolFailure | undefined {
  return tool === undefined ? undefined : { tool, rate: rate ?? 1 };
}
