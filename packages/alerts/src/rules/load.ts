import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { issueAt } from '@telltale/config';
import { parse as parseYaml } from 'yaml';
import { RuleFileError } from '../errors.ts';
import { compileRule } from './compile.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { ruleFileSchema, ruleSchema } from './schema.ts';

/** The rule file shipped with the package: what a fresh install evaluates. */
export const DEFAULT_RULES_FILE = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));

/** Reads, validates and compiles a rule file; a bad one throws RuleFileError naming the rule and field. */
export function loadRuleFile(file: string = DEFAULT_RULES_FILE): CompiledRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuleFileError(file, { path: '' }, `cannot read: ${(err as Error).message}`);
  }
  return parseRules(text, file);
}

/** Validates and compiles rule file text (YAML); `file` names it in errors. */
export function parseRules(text: string, file = '(inline)'): CompiledRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new RuleFileError(file, { path: '' }, `not valid YAML: ${(err as Error).message}`);
  }
  const top = ruleFileSchema.safeParse(doc ?? {});
  if (!top.success) {
    const issue = issueAt(top.error.issues[0]);
    throw new RuleFileError(file, { path: issue.path.join('.') }, issue.message);
  }
  const rules: CompiledRule[] = [];
  const names = new Map<string, number>();
  top.data.rules.forEach((raw, index) => {
    const rawName =
      raw !== null && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string'
        ? (raw as { name: string }).name
        : undefined;
    const where = (path: string) => ({ index, ...(rawName ? { ruleName: rawName } : {}), path });
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = issueAt(parsed.error.issues[0]);
      throw new RuleFileError(file, where(issue.path.join('.')), issue.message);
    }
    const first = names.get(parsed.data.name);
    if (first !== undefined)
      throw new RuleFileError(file, where('name'), `"${parsed.data.name}" is also the name of rules[${first}]`);
    names.set(parsed.data.name, index);
    const compiled = compileRule(parsed.data);
    if ('message' in compiled) throw new RuleFileError(file, where(compiled.path), compiled.message);
    rules.push(compiled);
  });
  return rules;
}
