import {
  MODEL_OPERATIONS,
  OPERATION_EXECUTE_TOOL,
  OPERATION_INVOKE_WORKFLOW,
  SAFETY_KINDS,
  SAFETY_SEVERITIES,
  type SafetyKind,
  type SafetySeverity,
  WORKFLOW_OUTCOMES,
  type WorkflowOutcome,
} from '@telltale/conventions';
import type { Span } from '../span.ts';

/** What one span is, by the shared conventions. A span can be none of these and still carry safety events. */
export type SpanRole = 'workflow' | 'model' | 'tool' | 'other';

const modelOperations = new Set<string>(MODEL_OPERATIONS);
const outcomes = new Set<string>(WORKFLOW_OUTCOMES);
const safetyKinds = new Set<string>(SAFETY_KINDS);
const severities = new Set<string>(SAFETY_SEVERITIES);

export function spanRole(span: Span): SpanRole {
  const op = span.operation;
  if (op === OPERATION_INVOKE_WORKFLOW) return 'workflow';
  if (modelOperations.has(op)) return 'model';
  if (op === OPERATION_EXECUTE_TOOL) return 'tool';
  return 'other';
}

/** The model a call is priced and keyed by: the one that answered, else the one asked for. */
export function callModel(span: Span): string {
  return span.responseModel || span.requestModel;
}

/** A model call failed when its span status is error. */
export function isModelError(span: Span): boolean {
  return span.statusCode === 2;
}

/** A tool call succeeded when its span status is not error and it carries no error.type. */
export function isToolSuccess(span: Span): boolean {
  return span.statusCode !== 2 && span.errorType === '';
}

/**
 * The workflow outcome, or undefined when the span's outcome is outside the
 * vocabulary (the caller decides what that counts as and counts it).
 */
export function workflowOutcome(span: Span): WorkflowOutcome | undefined {
  return outcomes.has(span.outcome) ? (span.outcome as WorkflowOutcome) : undefined;
}

/**
 * An outcome for a workflow span whose outcome attribute is missing or
 * unknown: an error status is a failure; anything else never reported how it
 * ended, which is what `abandoned` means.
 */
export function fallbackOutcome(span: Span): WorkflowOutcome {
  return span.statusCode === 2 ? 'failure' : 'abandoned';
}

export function safetyKind(kind: string): SafetyKind | undefined {
  return safetyKinds.has(kind) ? (kind as SafetyKind) : undefined;
}

export function safetySeverity(severity: string): SafetySeverity | undefined {
  return severities.has(severity) ? (severity as SafetySeverity) : undefined;
}
