import {readEnvSections} from './env-sections.js';
import type {IniSection} from './ini.js';
import {ConfigError, IssueList} from './issues.js';
import type {WatcherConfig} from './types.js';
import {readWatcher} from './watcher-options.js';
import {defaultFlapping, defaultScrollback} from './defaults.js';

/** Where options that arrive over the control channel (`add`, `set`) are said to come from. */
const controlOrigin = '<control>';

type OptionsContext = {
	readonly cwd: string;
	readonly environ: Readonly<Record<string, string | undefined>>;
	readonly sockets?: ReadonlySet<string>;
	readonly scrollback?: number;
};

/**
A watcher from option names and values, validated exactly as a `[watcher:NAME]` section would be
(Circus's `add` and `set`). Throws a ConfigError naming each bad option.
*/
export function watcherFromOptions(name: string, options: Readonly<Record<string, string>>, context: OptionsContext): WatcherConfig {
	const origin = {file: controlOrigin, line: 0};
	const section: IniSection = {
		name: `watcher:${name}`,
		origin,
		entries: Object.entries(options).map(([key, value]) => ({key: key.toLowerCase(), value, origin})),
	};
	const issues = new IssueList();
	const envSections = readEnvSections([], context.environ, issues);
	const watcher = readWatcher(section, {
		configDir: context.cwd,
		cwd: context.cwd,
		envSections,
		flapping: defaultFlapping,
		scrollback: context.scrollback ?? defaultScrollback,
		sockets: context.sockets ?? new Set(),
	}, issues);
	issues.throwIfErrors([controlOrigin], context.cwd);
	// Circus's `add` requires `cmd`; only a config file may hold a watcher without one.
	if (watcher.cmd === '') {
		throw new ConfigError([{severity: 'error', origin, message: `${name}: \`cmd\` is required`}]);
	}

	return watcher;
}

/** `set`: the watcher's options as written, with `changes` applied, validated again. */
export function withOptions(config: WatcherConfig, changes: Readonly<Record<string, string>>, context: OptionsContext): WatcherConfig {
	const merged: Record<string, string> = {...config.raw};
	for (const [key, value] of Object.entries(changes)) {
		merged[key.toLowerCase()] = value;
	}

	const next = watcherFromOptions(config.name, merged, context);
	// Options not given again keep their meaning from the file (paths were resolved there).
	return {...next, origin: config.origin, workingDir: 'working_dir' in changes ? next.workingDir : config.workingDir, env: {...config.env, ...next.env}};
}
