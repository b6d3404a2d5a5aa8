import fs from 'node:fs';
import path from 'node:path';
import type {LoadOptions} from './circus-ini.js';
import {defaultArbiter, defaultWatcher} from './defaults.js';
import {IssueList, quote} from './issues.js';
import {checkSpawn} from './spawn-checks.js';
import type {Config, WatcherConfig} from './types.js';

/** Foreman's rule for a Procfile line: `name: command`. */
const entryLine = /^([A-Za-z0-9_-]+):\s*(.*)$/;

/**
Load a Procfile: one `name: command` per line; blank lines and `#` comments are skipped. Each
entry is a watcher that runs its command through `/bin/sh -c`, in the Procfile's folder (as
foreman and honcho do), with the environment procui was started in (`copy_env`, as foreman
passes its own). Everything else has the INI defaults: notably `check_delay` stays Circus's 5 s
(procui reacts to exits at once; check_delay only paces the reconcile tick).
*/
export function loadProcfile(file: string, options: LoadOptions): Config {
	const issues = new IssueList();
	const absolute = path.resolve(options.cwd, file);
	let text: string;
	try {
		text = fs.readFileSync(absolute, 'utf8');
	} catch (error) {
		issues.error({file, line: 0}, `cannot read the Procfile: ${(error as Error).message}`);
		issues.throwIfErrors([file], options.cwd);
		throw error;
	}

	const watchers = parseProcfile(text, file, path.dirname(absolute), issues);
	for (const watcher of watchers) {
		checkSpawn(watcher, {cmd: watcher.cmd}, () => watcher.origin, options.checkHost ? {path: options.environ.PATH} : undefined, issues);
	}

	if (watchers.length === 0 && !issues.hasErrors) {
		issues.warn({file, line: 0}, 'no `name: command` lines: nothing to run');
	}

	issues.throwIfErrors([file], options.cwd);
	return {
		file: absolute,
		files: [absolute],
		arbiter: defaultArbiter,
		watchers: watchers.sort((a, b) => (a.name < b.name ? -1 : (a.name > b.name ? 1 : 0))),
		sockets: [],
		warnings: issues.sorted([file]),
	};
}

/** The watchers of a Procfile's text; bad lines and repeated names are errors in `issues`. */
function parseProcfile(text: string, file: string, workingDir: string, issues: IssueList): WatcherConfig[] {
	const watchers: WatcherConfig[] = [];
	for (const [index, line] of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).entries()) {
		const origin = {file, line: index + 1};
		const trimmed = line.trim();
		if (trimmed === '' || trimmed.startsWith('#')) {
			continue;
		}

		const match = entryLine.exec(trimmed);
		if (!match) {
			issues.error(origin, `expected \`name: command\` (a name of letters, digits, _ and -), got ${quote(trimmed)}`);
			continue;
		}

		const name = match[1]!.toLowerCase();
		const cmd = match[2]!.trim();
		if (cmd === '') {
			issues.error(origin, `${name}: the command is empty`);
			continue;
		}

		const first = watchers.find(watcher => watcher.name === name);
		if (first !== undefined) {
			issues.error(origin, `${name}: already defined at line ${first.origin.line} (names are compared without case)`);
			continue;
		}

		watchers.push({...defaultWatcher({name, cmd, origin, workingDir, shell: true, copyEnv: true}), raw: {cmd}});
	}

	return watchers;
}
