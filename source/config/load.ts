import fs from 'node:fs';
import path from 'node:path';
import {commandWatchers, fromCommands} from './ad-hoc.js';
import {loadCircusIni, type LoadOptions} from './circus-ini.js';
import {commandLineFile, ConfigError, IssueList} from './issues.js';
import {loadProcfile} from './procfile.js';
import type {Config} from './types.js';

export {formatIssue, formatOrigin, ConfigError} from './issues.js';

/** The files `procui` looks for when given none, in order. */
export const defaultConfigNames = ['procui.ini', 'circus.ini', 'Procfile'];

export type LoadConfigOptions = LoadOptions & {
	/** Ad-hoc commands (`-c`); with a file, they are added to its watchers. */
	readonly commands?: readonly string[];
};

/** The first of ./procui.ini, ./circus.ini, ./Procfile that exists in `cwd`, absolute. */
export function findDefaultConfig(cwd: string): string | undefined {
	return defaultConfigNames.map(name => path.join(cwd, name)).find(file => isFile(file));
}

/**
Load the configuration: the file given, or else the commands given, or else the default file
in `cwd`. The format is chosen by name (`*.ini` is INI; `Procfile`, `Procfile.*` and
`*.procfile` are Procfiles), else by content (a `[section]` first is INI, `name: command` lines
are a Procfile). Throws a ConfigError for anything wrong.
*/
export function loadConfig(file: string | undefined, options: LoadConfigOptions): Config {
	const commands = options.commands ?? [];
	const chosen = file ?? (commands.length > 0 ? undefined : findDefaultConfig(options.cwd));
	if (chosen === undefined) {
		if (commands.length > 0) {
			return fromCommands(commands, options);
		}

		throw new ConfigError([{
			severity: 'error',
			origin: {file: commandLineFile, line: 0},
			message: `no configuration: give a file or commands (-c), or add one of ${defaultConfigNames.join(', ')} here`,
		}], options.cwd);
	}

	const config = loadFile(chosen, options);
	if (commands.length === 0) {
		return config;
	}

	const issues = new IssueList();
	const extra = commandWatchers(commands, options.cwd, config.watchers.map(watcher => watcher.name), issues, options.checkHost ? {path: options.environ.PATH} : undefined);
	issues.throwIfErrors([commandLineFile], options.cwd);
	return {
		...config,
		warnings: [...config.warnings, ...issues.warnings],
		watchers: [...config.watchers, ...extra].sort((a, b) => (a.name < b.name ? -1 : (a.name > b.name ? 1 : 0))),
	};
}

function loadFile(file: string, options: LoadOptions): Config {
	const format = detectFormat(file, options.cwd);
	if (format === 'procfile') {
		return loadProcfile(file, options);
	}

	if (format === 'ini') {
		return loadCircusIni(file, options);
	}

	throw new ConfigError([{
		severity: 'error',
		origin: {file, line: 0},
		message: 'cannot tell the format: expected an INI file (starting with a [section]) or a Procfile (`name: command` lines)',
	}], options.cwd);
}

/** 'ini', 'procfile', or undefined when neither name nor content tells. A missing file is INI, so
that the INI loader reports it. */
export function detectFormat(file: string, cwd: string): 'ini' | 'procfile' | undefined {
	const base = path.basename(file).toLowerCase();
	if (base.endsWith('.ini')) {
		return 'ini';
	}

	if (base === 'procfile' || base.startsWith('procfile.') || base.endsWith('.procfile')) {
		return 'procfile';
	}

	let text: string;
	try {
		text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
	} catch {
		return 'ini';
	}

	const first = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).map(line => line.trim()).find(line => line !== '' && !line.startsWith('#') && !line.startsWith(';'));
	if (first === undefined) {
		return undefined;
	}

	if (first.startsWith('[')) {
		return 'ini';
	}

	return /^[A-Za-z0-9_-]+:\s*\S/.test(first) ? 'procfile' : undefined;
}

function isFile(file: string): boolean {
	try {
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}
