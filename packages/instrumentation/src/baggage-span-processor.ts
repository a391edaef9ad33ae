/**
 * Copies the tenant id and workflow name from W3C baggage onto every span
 * started in that context, so model and tool spans (also those of other
 * services the baggage travelled to) carry them as attributes.
 */
import { type Context, propagation } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  BAGGAGE_TENANT_ID,
  BAGGAGE_WORKFLOW_NAME,
  TELLTALE_TENANT_ID,
  TELLTALE_WORKFLOW_NAME,
} from '@telltale/conventions';
import { MAX_NAME_LENGTH } from './sanitize.ts';

export class BaggageSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const bag = propagation.getBaggage(parentContext);
    if (bag === undefined) return;
    const tenant = bag.getEntry(BAGGAGE_TENANT_ID);
    if (tenant !== undefined && span.attributes[TELLTALE_TENANT_ID] === undefined) {
      span.setAttribute(TELLTALE_TENANT_ID, tenant.value.slice(0, MAX_NAME_LENGTH));
    }
    const workflow = bag.getEntry(BAGGAGE_WORKFLOW_NAME);
    if (workflow !== undefined && span.attributes[TELLTALE_WORKFLOW_NAME] === undefined) {
      span.setAttribute(TELLTALE_WORKFLOW_NAME, workflow.value.slice(0, MAX_NAME_LENGTH));
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
