import { execFileSync } from 'node:child_process';
import { InfraError } from './errors.ts';

/** Returns the absolute path of `command`, or throws an InfraError that says how to get it. */
export function requireCommand(command: string, howToGet: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new InfraError(`${command} not found: ${howToGet}`);
  }
}
