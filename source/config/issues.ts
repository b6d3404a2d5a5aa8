import path from 'node:path';
import type {ConfigIssue, Origin} from './types.js';

/** Where values that come from no file are said to come from. */
export const commandLineFile = '<command line>';

/**
Render an issue the way compilers do: `file:line: warning: message`. A path inside `cwd` is shown
relative to it; line 0 (no line: defaults, a whole file) is left out.
*/
export function formatIssue(issue: ConfigIssue, cwd?: string): string {
	return `${formatOrigin(issue.origin, cwd)}: ${issue.severity}: ${issue.message}`;
}

/** `file:line`, or just `file` when the line is 0, with the file relative to `cwd` when inside it. */
export function formatOrigin(origin: Origin, cwd?: string): string {
	const file = displayPath(origin.file, cwd);
	return origin.line > 0 ? `${file}:${origin.line}` : file;
}

function displayPath(file: string, cwd: string | undefined): string {
	if (cwd === undefined || !path.isAbsolute(file)) {
		return file;
	}

	const relative = path.relative(cwd, file);
	return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Loading failed: `issues` holds every error found (and the warnings met on the way). */
export class ConfigError extends Error {
	readonly issues: readonly ConfigIssue[];

	constructor(issues: readonly ConfigIssue[], cwd?: string) {
		const errors = issues.filter(issue => issue.severity === 'error');
		super((errors.length > 0 ? errors : issues).map(issue => formatIssue(issue, cwd)).join('\n'));
		this.name = 'ConfigError';
		this.issues = issues;
	}
}

/** Collects the issues of one load, so that every error is reported, not just the first. */
export class IssueList {
	readonly #issues: ConfigIssue[] = [];

	warn(origin: Origin, message: string): void {
		this.#push({severity: 'warning', origin, message});
	}

	error(origin: Origin, message: string): void {
		this.#push({severity: 'error', origin, message});
	}

	add(issues: readonly ConfigIssue[]): void {
		for (const issue of issues) {
			this.#push(issue);
		}
	}

	/** The same issue found twice (an [env:*] value read for each watcher) is reported once. */
	#push(issue: ConfigIssue): void {
		const seen = this.#issues.some(other =>
			other.severity === issue.severity && other.message === issue.message
			&& other.origin.file === issue.origin.file && other.origin.line === issue.origin.line);
		if (!seen) {
			this.#issues.push(issue);
		}
	}

	get hasErrors(): boolean {
		return this.#issues.some(issue => issue.severity === 'error');
	}

	/** All issues, ordered by file (in the order given) and line; discovery order otherwise. */
	sorted(fileOrder: readonly string[] = []): ConfigIssue[] {
		const files = [...fileOrder];
		for (const issue of this.#issues) {
			if (!files.includes(issue.origin.file)) {
				files.push(issue.origin.file);
			}
		}

		return this.#issues
			.map((issue, index) => ({issue, index, rank: files.indexOf(issue.origin.file)}))
			.sort((a, b) => a.rank - b.rank || a.issue.origin.line - b.issue.origin.line || a.index - b.index)
			.map(({issue}) => issue);
	}

	get warnings(): ConfigIssue[] {
		return this.#issues.filter(issue => issue.severity === 'warning');
	}

	/** Throw a ConfigError when any error was collected. */
	throwIfErrors(fileOrder: readonly string[] = [], cwd?: string): void {
		if (this.hasErrors) {
			throw new ConfigError(this.sorted(fileOrder), cwd);
		}
	}
}

/** Quote a value for a message: `"many"`, with control characters escaped. */
export function quote(value: string): string {
	return JSON.stringify(value);
}
