import path from 'node:path';
import type {LoadOptions} from './circus-ini.js';
import {defaultArbiter, defaultWatcher} from './defaults.js';
import {commandLineFile, IssueList} from './issues.js';
import {checkSpawn, type SpawnHost} from './spawn-checks.js';
import type {Config, WatcherConfig} from './types.js';

/**
Watchers for commands given on the command line (`procui -c "npm run dev" -c "npm run worker"`):
each runs through `/bin/sh -c` in `cwd`, with procui's environment, and is named after the
program it runs (`npm`), deduplicated as `npm-2`, `npm-3` in the order given. `taken` holds
names already in use (when the commands come with a config file).
*/
export function fromCommands(commands: readonly string[], options: LoadOptions, taken: readonly string[] = []): Config {
	const issues = new IssueList();
	const watchers = commandWatchers(commands, options.cwd, taken, issues, options.checkHost ? {path: options.environ.PATH} : undefined);
	issues.throwIfErrors([commandLineFile], options.cwd);
	return {
		arbiter: defaultArbiter,
		watchers,
		sockets: [],
		warnings: issues.warnings,
	};
}

/** The watchers for `commands`, in the order given; an empty command is an error. `host`: check
what their spawns would meet (spawn-checks.ts). */
export function commandWatchers(commands: readonly string[], cwd: string, taken: readonly string[], issues: IssueList, host?: SpawnHost): WatcherConfig[] {
	const names = new Set(taken);
	const watchers: WatcherConfig[] = [];
	for (const [index, command] of commands.entries()) {
		const cmd = command.trim();
		const origin = {file: commandLineFile, line: 0};
		if (cmd === '') {
			issues.error(origin, `command ${index + 1} is empty`);
			continue;
		}

		const name = uniqueName(nameFor(cmd), names);
		names.add(name);
		const watcher = {...defaultWatcher({name, cmd, origin, workingDir: cwd, shell: true, copyEnv: true}), raw: {cmd}};
		checkSpawn(watcher, {cmd}, () => origin, host, issues);
		watchers.push(watcher);
	}

	return watchers;
}

/** `npm run dev` -> `npm`; `FOO=1 ./bin/server.sh` -> `server`: the program's base name, without
an extension, lower-cased, with anything but letters, digits, `_` and `-` dropped. */
export function nameFor(command: string): string {
	const words = firstWords(command);
	const program = words.find(word => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) ?? words[0] ?? '';
	const base = path.basename(program).replace(/\.[^.]*$/, '');
	const name = base.toLowerCase().replace(/[^a-z0-9_-]+/g, '');
	return name === '' ? 'command' : name;
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
	if (!taken.has(name)) {
		return name;
	}

	let suffix = 2;
	while (taken.has(`${name}-${suffix}`)) {
		suffix++;
	}

	return `${name}-${suffix}`;
}

/** The leading words of a shell command, with quotes removed (enough to find the program). */
function firstWords(command: string): string[] {
	const words: string[] = [];
	let word = '';
	let quote: string | undefined;
	for (const char of command) {
		if (quote !== undefined) {
			if (char === quote) {
				quote = undefined;
			} else {
				word += char;
			}
		} else if (char === '"' || char === "'") {
			quote = char;
		} else if (/\s/.test(char) || ';&|<>()'.includes(char)) {
			if (word !== '') {
				words.push(word);
				word = '';
			}

			if (!/\s/.test(char)) {
				break;
			}
		} else {
			word += char;
		}
	}

	if (word !== '') {
		words.push(word);
	}

	return words;
}
