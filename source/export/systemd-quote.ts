/**
Writing values into systemd unit files (systemd.service(5) "Command lines", systemd.exec(5)
`Environment=`, systemd.unit(5) "Specifiers"). Every `%` is a specifier there, so a literal one
is `%%`; in command lines `$` expands a variable, so a literal one is `$$`; quoted words take C
escapes. Circus's `$(circus.…)` references are replaced by what a resolver gives, verbatim (`%i`,
`3`, `${X}`): they are the only parts not escaped.
*/
import {substituteCircus} from '../config/substitute.js';

/** What a `$(circus.KEY)` reference becomes in the unit, verbatim; undefined leaves it as text.
`key` is lower-cased, `written` as the configuration spells it. */
export type ReferenceResolver = (key: string, written: string) => string | undefined;

const placeholderStart = '\uE000';
const placeholderEnd = '\uE001';
const placeholder = /\uE000(\d+)\uE001/g;

/** Escape `text` with `escape`, but put each resolved `$(circus.…)` in verbatim. */
function withReferences(text: string, resolve: ReferenceResolver, escape: (literal: string) => string): string {
	const verbatim: string[] = [];
	const marked = substituteCircus(text, (key, written) => {
		const value = resolve(key, written);
		if (value === undefined) {
			return undefined;
		}

		verbatim.push(value);
		return `${placeholderStart}${verbatim.length - 1}${placeholderEnd}`;
	});
	return escape(marked).replace(placeholder, (_match, index: string) => verbatim[Number(index)]!);
}

/** C escapes for a double-quoted systemd word; `%` doubled; `$` doubled when `dollar`. */
function cEscape(text: string, dollar: boolean): string {
	let out = '';
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (char === '\\' || char === '"') {
			out += `\\${char}`;
		} else if (char === '\n') {
			out += '\\n';
		} else if (char === '\t') {
			out += '\\t';
		} else if (code < 0x20 || code === 0x7F) {
			out += `\\x${code.toString(16).padStart(2, '0')}`;
		} else if (char === '%') {
			out += '%%';
		} else if (char === '$' && dollar) {
			out += '$$';
		} else {
			out += char;
		}
	}

	return out;
}

/** Characters a bare command-line word may hold without quotes. */
const bareWord = /^[\w./=,:+@-]+$/;

/**
One word of `ExecStart=`. Quoted unless plainly safe; a first word starting with one of systemd's
prefixes (`@-:+!`) is quoted so that it is not read as one. A lone `;` would separate commands:
systemd's escape for a literal one is `\;`.
*/
export function execWord(text: string, resolve: ReferenceResolver, first = false): string {
	if (text === ';') {
		return '\\;';
	}

	return withReferences(text, resolve, (literal) => {
		const plain = literal.replace(placeholder, '');
		if (literal !== '' && (plain === '' || bareWord.test(plain)) && !(first && /^[@:+!-]/.test(literal))) {
			return literal;
		}

		return `"${cEscape(literal, true)}"`;
	});
}

/** A whole `ExecStart=` value from argv words. */
export function execLine(words: readonly string[], resolve: ReferenceResolver): string {
	return words.map((word, index) => execWord(word, resolve, index === 0)).join(' ');
}

/** Names systemd accepts in `Environment=` (and a shell can read back). */
export const environmentName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `Environment=` assignment, always double-quoted: no `$` expansion happens there. */
export function environmentAssignment(name: string, value: string, resolve: ReferenceResolver): string {
	return `"${cEscape(name, false)}=${withReferences(value, resolve, (literal) => cEscape(literal, false))}"`;
}

/** A value systemd reads to the end of the line (paths, user names): only `%` is special. */
export function plainValue(text: string): string {
	return text.replaceAll('%', '%%');
}
