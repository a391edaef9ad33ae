/** The assistant's fake tools. Each is deterministic; `failing` makes one of them throw. */
import type { Random } from './random.ts';

export const TOOL_NAMES = ['lookup_order', 'search_kb', 'refund'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export class ToolUnavailableError extends Error {
  override name = 'ToolUnavailableError';
  readonly code = 'ETOOLDOWN';
}

export interface Order {
  id: string;
  status: 'processing' | 'shipped' | 'delivered';
  amountUsd: number;
}

export interface ToolFailure {
  /** The tool that fails. */
  tool: ToolName;
  /** Probability that one call of it fails, 0..1. Default 1 (always). */
  rate: number;
}

export class FakeTools {
  private readonly random: Random;
  private failure: ToolFailure | undefined;

  constructor(random: Random, failure: ToolFailure | undefined) {
    this.random = random;
    this.failure = failure;
  }

  /** Switches the failing tool at run time (the demo flips it to start an incident). */
  setFailure(failure: ToolFailure | undefined): void {
    this.failure = failure;
  }

  /** Decides up front whether this call fails, so the tally knows before the span ends. */
  willFail(tool: ToolName): boolean {
    const f = this.failure;
    return f !== undefined && f.tool === tool && this.random() < f.rate;
  }

  async lookupOrder(orderId: string, fail: boolean): Promise<Order> {
    if (fail) throw new ToolUnavailableError('order service unavailable');
    const n = Number.parseInt(orderId.replace(/\D/g, ''), 10) || 1;
    const statuses = ['processing', 'shipped', 'delivered'] as const;
    return { id: orderId, status: statuses[n % 3] ?? 'processing', amountUsd: 20 + ((n * 37) % 480) };
  }

  async searchKb(query: string, fail: boolean): Promise<string[]> {
    if (fail) throw new ToolUnavailableError('knowledge base unavailable');
    return [`Article about ${query.slice(0, 40)}`, 'Returns are accepted within 30 days.'];
  }

  async refund(order: Order, fail: boolean): Promise<{ refundId: string; amountUsd: number }> {
    if (fail) throw new ToolUnavailableError('payments unavailable');
    return { refundId: `rf_${order.id}`, amountUsd: order.amountUsd };
  }
}
