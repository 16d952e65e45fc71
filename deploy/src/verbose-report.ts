import { isRedacted, REDACTION_REPLACEMENT_TEXT, redactionRegex } from '@kindling/core';
import { describeSource } from './conf-sources.js';
import { formatCommand, type LaunchCommand } from './launch-command.js';
import type { SubmitArguments } from './submit-arguments.js';

/**
 * What --verbose prints (spark-submit's "Parsed arguments" and final config): every effective
 * kindling.* value and where it came from, with secrets redacted by kindling.redaction.regex.
 */
export function verboseReport(args: SubmitArguments, cmd?: LaunchCommand): string {
  const regex = redactionRegex(args.settings);
  const shown = (k: string, v: string) => (isRedacted(k, v, regex) ? REDACTION_REPLACEMENT_TEXT : v);
  const src = (k: string) => {
    const e = args.settings.entry(k);
    return e ? `  (${describeSource(e.source)})` : '';
  };
  const lines = [
    'Parsed arguments:',
    `  action          ${args.action}${args.submissionId !== undefined ? ` ${args.submissionId}` : ''}`,
    `  master          ${args.master}${src('kindling.master')}`,
    `  deployMode      ${args.deployMode}${src('kindling.submit.deployMode')}`,
    `  name            ${args.name}${src('kindling.app.name')}`,
    `  propertiesFile  ${args.propertiesFile ?? '(none)'}`,
    `  appFile         ${args.appPath ?? '(none)'}`,
    `  appArguments    [${args.appArgs.map((a) => shown('', a)).join(', ')}]`,
    "Effective configuration (values the application's code sets itself take precedence):",
  ];
  const entries = args.settings.entries();
  const width = Math.min(48, Math.max(...entries.map(([k, e]) => k.length + 1 + shown(k, e.value).length)));
  for (const [k, e] of entries) {
    const kv = `${k}=${shown(k, e.value)}`;
    lines.push(`  ${kv.padEnd(width)}  (${describeSource(e.source)})`);
  }
  if (cmd) {
    // Only the application's own arguments may carry a credential; the rest is ours.
    const own = cmd.args.length - args.appArgs.length;
    const shownArgs = [...cmd.args.slice(0, own), ...cmd.args.slice(own).map((a) => shown('', a))];
    lines.push(`Command: ${formatCommand({ ...cmd, args: shownArgs })}`);
  }
  lines.push('');
  return lines.join('\n');
}
