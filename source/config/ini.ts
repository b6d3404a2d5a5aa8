/**
An INI reader that reads files the way Circus 0.19 does. Circus does not use Python's stock
`configparser` rules: its `StrictConfigParser._read` (circus/util.py) is a copy of Python 2's
reader, so:

- `name = value` and `name: value`; the first `=` or `:` on the line is the delimiter.
- A line starting with `#` or `;` in column 1 is a comment, and so is a line whose first word is
  `rem` (any case) in column 1.
- An inline comment is `;` preceded by whitespace, and only the first `;` of the value is looked
  at. `#` never starts an inline comment: `cmd = echo a # b` passes `# b` on.
- An indented line continues the previous value; the pieces are stripped and joined with "\n".
  Blank lines are skipped, so a value may continue after one. (procui also skips an indented
  `#`/`;` line there, where Circus would append it to the value.)
- A value of exactly `""` is the empty string. No `%` interpolation.
- A repeated section is merged into the first (procui warns); a repeated option is an error here
  (Circus silently keeps the first), and both lines are named.
- Option names are lower-cased (except where `preserveCase` says so: environment sections);
  section names are kept as written, trimmed.
*/
import type {ConfigIssue, Origin} from './types.js';

/** One `name = value` (with its continuation lines). */
export type IniEntry = {
	/** Lower-cased unless the section preserves case. */
	readonly key: string;
	readonly value: string;
	/** The line holding the name. */
	readonly origin: Origin;
};

/** One `[section]`, with the entries of every header of that name, in order. */
export type IniSection = {
	readonly name: string;
	/** The first header of this name. */
	readonly origin: Origin;
	readonly entries: readonly IniEntry[];
};

/** What `parseIni` found: the sections in order of first appearance, and the problems. */
type IniDocument = {
	readonly sections: readonly IniSection[];
	readonly issues: readonly ConfigIssue[];
};

type IniOptions = {
	/** Sections whose option names keep their case (environment variables). Default: none. */
	readonly preserveCase?: (section: string) => boolean;
};

type MutableSection = {name: string; origin: Origin; entries: IniEntry[]};

const sectionHeader = /^\[(.+)\]/;
const optionLine = /^(.*?)\s*([=:])\s*(.*)$/;

/** Parse the text of one INI file. Every issue names `file` and a line. */
export function parseIni(text: string, file: string, options: IniOptions = {}): IniDocument {
	const preserveCase = options.preserveCase ?? (() => false);
	const issues: ConfigIssue[] = [];
	const sections: MutableSection[] = [];
	const byName = new Map<string, MutableSection>();
	let current: MutableSection | undefined;
	/** The entry that indented lines continue, as pieces; undefined right after a header. Index -1
	swallows the continuation lines of a line already reported as an error. */
	let open: {pieces: string[]; index: number} | undefined;
	const discard = (): {pieces: string[]; index: number} => ({pieces: [], index: -1});
	let reportedOrphan = false;

	const finishOpen = (): void => {
		if (current !== undefined && open !== undefined && open.index !== -1) {
			const entry = current.entries[open.index]!;
			current.entries[open.index] = {...entry, value: open.pieces.join('\n')};
		}
	};

	const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
	for (const [index, line] of lines.entries()) {
		const origin: Origin = {file, line: index + 1};
		if (line.trim() === '' || line.startsWith('#') || line.startsWith(';')) {
			continue;
		}

		if (/^[rR]/.test(line) && line.split(/\s+/, 1)[0]!.toLowerCase() === 'rem') {
			continue;
		}

		if (/^\s/.test(line) && current !== undefined && open !== undefined) {
			const piece = line.trim();
			if (!piece.startsWith('#') && !piece.startsWith(';')) {
				open.pieces.push(piece);
			}

			continue;
		}

		const header = sectionHeader.exec(line);
		if (header) {
			finishOpen();
			open = undefined;
			const name = header[1]!.trim();
			const existing = byName.get(name);
			if (existing === undefined) {
				current = {name, origin, entries: []};
				byName.set(name, current);
				sections.push(current);
			} else {
				issues.push({
					severity: 'warning',
					origin,
					message: `[${name}] repeats the section at line ${existing.origin.line}; their options are merged, as Circus does`,
				});
				current = existing;
			}

			continue;
		}

		if (current === undefined) {
			if (!reportedOrphan) {
				issues.push({severity: 'error', origin, message: `expected a [section] header before the first option, got ${JSON.stringify(line.trim())}`});
				reportedOrphan = true;
			}

			continue;
		}

		const option = optionLine.exec(line);
		const name = option?.[1]!.trim() ?? '';
		if (!option || name === '') {
			finishOpen();
			open = discard();
			issues.push({
				severity: 'error',
				origin,
				message: `expected \`name = value\`, a [section] header or an indented continuation line, got ${JSON.stringify(line.trim())}`,
			});
			continue;
		}

		finishOpen();
		const key = preserveCase(current.name) ? name : name.toLowerCase();
		const value = stripInlineComment(option[3]!).trim();
		const previous = current.entries.findIndex(entry => entry.key === key);
		if (previous !== -1) {
			// Circus's parser (circus/util.py StrictConfigParser) keeps the first value and ignores the
			// second without a word; here it is said.
			issues.push({
				severity: 'warning',
				origin,
				message: `${key}: set twice in [${current.name}], at line ${current.entries[previous]!.origin.line} and line ${origin.line}; the first value is kept, as Circus does`,
			});
			open = discard();
			continue;
		}

		current.entries.push({key, value: value === '""' ? '' : value, origin});
		open = {pieces: [value === '""' ? '' : value], index: current.entries.length - 1};
	}

	finishOpen();
	return {
		sections: sections.map(({name, origin, entries}) => ({name, origin, entries})),
		issues,
	};
}

/** Circus's rule: the first `;` of the value starts a comment when whitespace precedes it. For a
value starting with `;` Python compares the value's last character (index -1), and so does this. */
function stripInlineComment(value: string): string {
	const position = value.indexOf(';');
	if (position === -1) {
		return value;
	}

	return /\s/.test(value.at(position - 1) ?? '') ? value.slice(0, position) : value;
}

/**
Merge the sections of an included file into what was read so far, as Circus's `cfg.read` does:
a section seen before gains the new options, and an option set before keeps its first value
(the main file wins over its includes). The ignored value gets a warning, so it is never lost
silently.
*/
export function mergeIni(base: readonly IniSection[], extra: readonly IniSection[]): {sections: IniSection[]; issues: ConfigIssue[]} {
	const issues: ConfigIssue[] = [];
	const sections = base.map(section => ({...section, entries: [...section.entries]}));
	for (const section of extra) {
		const existing = sections.find(candidate => candidate.name === section.name);
		if (existing === undefined) {
			sections.push({...section, entries: [...section.entries]});
			continue;
		}

		for (const entry of section.entries) {
			const first = existing.entries.find(candidate => candidate.key === entry.key);
			if (first === undefined) {
				existing.entries.push(entry);
			} else {
				issues.push({
					severity: 'warning',
					origin: entry.origin,
					message: `${entry.key}: [${section.name}] already sets it at ${first.origin.file}:${first.origin.line}; the first value is kept, as Circus does`,
				});
			}
		}
	}

	return {sections, issues};
}
