import fs from 'node:fs';
import path from 'node:path';
import type {IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import type {HookConfig, HookName} from './types.js';
import {boolean, seconds} from './values.js';

/** Circus's hook names (circus/watcher.py), with what procui does with each. */
const hookNames = ['before_start', 'after_start', 'before_spawn', 'after_spawn', 'before_stop', 'after_stop', 'before_signal', 'after_signal', 'before_reap', 'after_reap'] as const;

/** Hooks whose failure Circus ignores by default (`Watcher.ignore_hook_failure`). */
const ignoredByDefault = new Set<HookName>(['before_stop', 'after_stop', 'before_signal', 'after_signal']);

/** The default time a hook may take before it is killed and counts as failed. */
export const defaultHookTimeout = 30;

/**
`hooks.<name> = COMMAND[, IGNORE_FAILURE]` (Circus's `dotted.name[, bool]`). Circus names a Python
callable, which procui cannot run; procui runs an executable or a shell command instead
(`hooks.before_start = ./scripts/migrate.sh`), through `/bin/sh -c` in the watcher's working_dir.
A value that looks like a dotted Python name and is no file stays a warning. `extended_stats` has
no equivalent (a warning).
*/
export function readHooks(reader: SectionReader, workingDir: string, issues: IssueList): {hooks: Partial<Record<HookName, HookConfig>>; timeout: number} {
	const hooks: Partial<Record<HookName, HookConfig>> = {};
	for (const entry of reader.section.entries.filter(candidate => candidate.key.startsWith('hooks.'))) {
		reader.use(entry.key);
		const name = entry.key.slice('hooks.'.length);
		if (name === 'extended_stats') {
			issues.warn(entry.origin, `${entry.key}: procui's stats cannot be extended by a program; ignored`);
			continue;
		}

		if (!(hookNames as readonly string[]).includes(name)) {
			issues.warn(entry.origin, `${entry.key}: not one of Circus's hooks (${hookNames.join(', ')}); ignored`);
			continue;
		}

		const text = reader.substitute(entry);
		const comma = text.lastIndexOf(',');
		const flag = comma === -1 ? undefined : boolean.read(text.slice(comma + 1));
		const command = (flag === undefined ? text : text.slice(0, comma)).trim();
		if (command === '') {
			issues.error(entry.origin, `${entry.key}: empty; expected a program or shell command`);
			continue;
		}

		if (looksLikePython(command, workingDir)) {
			issues.warn(entry.origin, `${entry.key}: "${command}" looks like a Python callable, which procui cannot run; give an executable or a shell command instead (hooks.${name} = ./scripts/${name}.sh); ignored`);
			continue;
		}

		hooks[name as HookName] = {command, ignoreFailure: flag ?? ignoredByDefault.has(name as HookName)};
	}

	return {hooks, timeout: reader.read('procui.hook_timeout', seconds({above: true}), defaultHookTimeout)};
}

/** `myapp.hooks.check`: dotted identifiers, no space, no slash, and no such file. */
function looksLikePython(command: string, workingDir: string): boolean {
	return /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(command) && !fs.existsSync(path.resolve(workingDir, command));
}
