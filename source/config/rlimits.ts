import {quote, type IssueList} from './issues.js';
import {badValue, type SectionReader} from './section-reader.js';
import type {Rlimits} from './types.js';
import {didYouMean} from './unknown-options.js';
import {wholeNumber, type ValueReader} from './values.js';

/**
The resource limits procui sets, as Python's `resource.RLIMIT_*` names them (lower-cased): every
limit Linux has (prlimit(1) lists them), each applied by procui-exec before it execs the program.
*/
export const rlimitNames = [
	'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile',
	'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
];

/** Limits Linux has that procui does not set, and why: none now. */
const unsupported: Readonly<Record<string, string>> = {};

/**
One limit's value (circus/config.py `rlimit_value`, Python's `int()`): a whole number ≥ 0, the
soft and hard limit both; nothing, `-1` (Python's RLIM_INFINITY), `unlimited` or `infinity` for
no limit (null). Anything else, `abc` or `-5`, is refused: it would otherwise reach setrlimit as
some other number.
*/
export const rlimitValue: ValueReader<number | null> = {
	read(text) {
		const trimmed = text.trim();
		if (trimmed === '' || /^(?:unlimited|infinity)$/i.test(trimmed)) {
			return null;
		}

		const value = wholeNumber(-1).read(trimmed);
		return value === -1 ? null : value;
	},
	expected: 'a whole number ≥ 0, or -1, `unlimited` or nothing for no limit',
};

/** `rlimit_<name> = <value>`: each a limit procui sets, with a value `rlimitValue` reads. */
export function readRlimits(reader: SectionReader, issues: IssueList): Rlimits {
	const limits: Record<string, number | null> = {};
	for (const entry of reader.section.entries.filter(candidate => candidate.key.startsWith('rlimit_'))) {
		reader.use(entry.key);
		const name = entry.key.slice('rlimit_'.length);
		const reason = Object.hasOwn(unsupported, name) ? unsupported[name] : undefined;
		if (reason !== undefined) {
			issues.error(entry.origin, `${entry.key}: ${reason}`);
			continue;
		}

		if (!rlimitNames.includes(name)) {
			issues.error(entry.origin, `${entry.key}: unknown resource limit ${quote(name)}${didYouMean(name, rlimitNames)}; expected one of ${rlimitNames.join(', ')}`);
			continue;
		}

		const text = reader.substitute(entry);
		const value = rlimitValue.read(text);
		if (value === undefined) {
			issues.error(entry.origin, badValue(entry, text.trim(), rlimitValue.expected));
		} else {
			limits[name] = value;
		}
	}

	return limits;
}
