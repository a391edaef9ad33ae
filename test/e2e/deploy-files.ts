import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files in deploy/ as the end-to-end test runs them. Prometheus 2.42 and
 * Alertmanager 0.25 expand no environment variables in their configs, so the
 * test swaps the compose host names for where it runs the services: exactly
 * these strings, each of which must occur, and nothing else.
 */

/** The repository root, where the tests run the packages' CLIs from. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');
export const deployPath = (...parts: string[]): string => join(DEPLOY_DIR, ...parts);
const read = (...parts: string[]): string => readFileSync(deployPath(...parts), 'utf8');

/** Replaces each key by its value; every key must occur in the text (a renamed host must fail loudly). */
export function replaceExactly(text: string, replacements: Record<string, string>, file: string): string {
  let out = text;
  for (const [from, to] of Object.entries(replacements)) {
    if (!out.includes(from)) throw new Error(`${file} no longer contains ${from}; update the end-to-end test`);
    out = out.replaceAll(from, to);
  }
  return out;
}

export interface ScrapeTargets {
  alerts: string;
  processors: [string, string];
  collector: string;
}

/** deploy/prometheus/prometheus.yml with the scrape targets of this run. */
export function prometheusConfig(targets: ScrapeTargets): string {
  return replaceExactly(
    read('prometheus', 'prometheus.yml'),
    {
      "'alerts:9465'": `'${targets.alerts}'`,
      "'processor-1:9464'": `'${targets.processors[0]}'`,
      "'processor-2:9464'": `'${targets.processors[1]}'`,
      "'collector:8888'": `'${targets.collector}'`,
    },
    'deploy/prometheus/prometheus.yml',
  );
}

/** The exported Prometheus rules that prometheus.yml loads. */
export function prometheusRuleFiles(): { name: string; content: string }[] {
  return [{ name: 'telltale-rules.yml', content: read('prometheus', 'telltale-rules.yml') }];
}

/** deploy/alertmanager/alertmanager.yml delivering to the test's webhook receiver. */
export function alertmanagerConfig(webhookUrl: string): string {
  return replaceExactly(
    read('alertmanager', 'alertmanager.yml'),
    { 'http://pager-log:9099/alertmanager': webhookUrl },
    'deploy/alertmanager/alertmanager.yml',
  );
}

/**
 * deploy/alertmanager/alertmanager.pagerduty.yml delivering to the test's
 * webhook receiver and to a PagerDuty Events v2 stand-in, with the routing key
 * in a file of the test's (start.sh writes it to /alertmanager/ in the stack).
 */
export function alertmanagerPagerdutyConfig(webhookUrl: string, routingKeyFile: string, pagerdutyUrl: string): string {
  return replaceExactly(
    read('alertmanager', 'alertmanager.pagerduty.yml'),
    {
      'http://pager-log:9099/alertmanager': webhookUrl,
      'routing_key_file: /alertmanager/pagerduty-routing-key': `routing_key_file: ${routingKeyFile}\n        url: ${pagerdutyUrl}`,
    },
    'deploy/alertmanager/alertmanager.pagerduty.yml',
  );
}
