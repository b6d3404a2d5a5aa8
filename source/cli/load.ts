import path from 'node:path';
import {ConfigError, findDefaultConfig, formatIssue, loadConfig} from '../config/index.js';
import type {Config} from '../config/types.js';

export type ConfigSource = {
	/** A file given on the command line. */
	readonly file?: string;
	/** `-c CMD` ad-hoc commands. */
	readonly commands: readonly string[];
	/** Fall back to ./procui.ini, ./circus.ini, ./Procfile when neither is given. */
	readonly useDefault: boolean;
};

/** The message shown when there is nothing to run, for the command that was run (`daemon`, `check`, `export systemd`). */
export function noConfigMessage(command = 'daemon'): string {
	const commands = command === 'daemon' || command === 'check' ? `\nor commands: procui ${command} -c "npm run dev" -c "npm run worker"` : '';
	return `procui: no configuration found.
Looked for ./procui.ini, ./circus.ini and ./Procfile.
Give one:  procui ${command} path/to/circus.ini${commands}`;
}

/** Where a configuration comes from, resolved once, so that reloadconfig reads the same file. */
export function resolveSource(source: ConfigSource, cwd: string): ConfigSource {
	if (source.file !== undefined || source.commands.length > 0 || !source.useDefault) {
		return source.file === undefined ? source : {...source, file: path.resolve(cwd, source.file)};
	}

	const found = findDefaultConfig(cwd);
	return found === undefined ? source : {...source, file: found};
}

/** Load and validate; throws ConfigError with every issue. `checkHost`: also check what a spawn on
this machine would meet (commands, folders, users, stream files): not for a config bound elsewhere. */
export function load(source: ConfigSource, cwd: string, options: {readonly checkHost?: boolean; readonly command?: string} = {}): Config {
	if (source.file === undefined && source.commands.length === 0) {
		throw new Error(noConfigMessage(options.command));
	}

	return loadConfig(source.file, {commands: source.commands, cwd, environ: process.env, checkHost: options.checkHost ?? true});
}

/** Print every issue of a failed load (or the plain message) to stderr. */
export function reportLoadError(error: unknown, cwd: string): void {
	if (error instanceof ConfigError) {
		for (const issue of error.issues) {
			process.stderr.write(`${formatIssue(issue, cwd)}\n`);
		}

		const errors = error.issues.filter((issue) => issue.severity === 'error').length;
		process.stderr.write(`procui: the configuration has ${errors} error${errors === 1 ? '' : 's'}; nothing was started.\n`);
		return;
	}

	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
}
