import type {IniEntry, IniSection} from './ini.js';
import {quote, type IssueList} from './issues.js';
import type {Origin} from './types.js';
import {substituteEnv} from './substitute.js';
import type {ValueReader} from './values.js';

/**
Typed access to one section's options. Each read marks the option as used, so that whatever is
left at the end can be reported instead of dropped. A bad value is an error naming the line, the
option, what was expected and what was found; the default is used so that reading goes on and
every error of the file is reported at once.
*/
export class SectionReader {
	readonly section: IniSection;
	readonly #issues: IssueList;
	readonly #substitute: (entry: IniEntry) => string;
	readonly #used = new Set<string>();

	/** `substitute` turns a value as written into the value to use (`$(circus.env.X)`). */
	constructor(section: IniSection, issues: IssueList, substitute: (entry: IniEntry) => string = entry => entry.value) {
		this.section = section;
		this.#issues = issues;
		this.#substitute = substitute;
	}

	/** The entry for `key`, marked as used. */
	entry(key: string): IniEntry | undefined {
		const found = this.section.entries.find(entry => entry.key === key);
		if (found !== undefined) {
			this.#used.add(key);
		}

		return found;
	}

	/** The value of `key` after substitution, or undefined when not set. */
	text(key: string): string | undefined {
		const found = this.entry(key);
		return found === undefined ? undefined : this.#substitute(found);
	}

	/** The value of `key` read by `reader`, or `fallback` when not set or bad (bad is an error). */
	read<T>(key: string, reader: ValueReader<T>, fallback: T): T {
		return this.optional(key, reader) ?? fallback;
	}

	/** Like `read`, but undefined when not set or bad. */
	optional<T>(key: string, reader: ValueReader<T>): T | undefined {
		const found = this.entry(key);
		if (found === undefined) {
			return undefined;
		}

		const text = this.#substitute(found);
		const value = reader.read(text);
		if (value === undefined) {
			this.#issues.error(found.origin, badValue(found, text, reader.expected));
		}

		return value;
	}

	/** Mark `key` as handled without reading it. */
	use(key: string): void {
		this.#used.add(key);
	}

	/** The options not read or marked, in file order. */
	unused(): IniEntry[] {
		return this.section.entries.filter(entry => !this.#used.has(entry.key));
	}

	/** The line of `key`, or of the section header when the option is not set. */
	originOf(key: string): Origin {
		return this.section.entries.find(entry => entry.key === key)?.origin ?? this.section.origin;
	}

	substitute(entry: IniEntry): string {
		return this.#substitute(entry);
	}
}

/** `numprocesses: expected a whole number ≥ 0, got "many"`, with hints for common slips. */
export function badValue(entry: IniEntry, text: string, expected: string): string {
	let message = `${entry.key}: expected ${expected}, got ${quote(text)}`;
	if (text !== entry.value) {
		message += ` (from ${quote(entry.value)})`;
	}

	if (/\s#/.test(entry.value)) {
		message += '; `#` starts a comment only at the start of a line (inline comments start with ` ;`)';
	}

	return message;
}

/** `$(circus.env.X)` in every value, once per option (so each unset variable is warned once). */
export function envSubstitution(scope: ReadonlyMap<string, string>, issues: IssueList): (entry: IniEntry) => string {
	const done = new Map<IniEntry, string>();
	return entry => {
		const cached = done.get(entry);
		if (cached !== undefined) {
			return cached;
		}

		const result = substituteEnv(entry.value, scope);
		for (const name of result.missing) {
			issues.warn(entry.origin, `${entry.key}: $(circus.env.${name}) is not set; left as written`);
		}

		done.set(entry, result.text);
		return result.text;
	};
}
