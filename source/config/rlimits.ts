import {quote, type IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import type {Rlimits} from './types.js';
import {didYouMean} from './unknown-options.js';

/** Linux's resource limits, as Python's `resource.RLIMIT_*` names them (lower-cased). */
export const rlimitNames = [
	'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile',
	'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
];

/**
`rlimit_<name> = <value>` (circus/config.py `rlimit_value`): a whole number, or an empty value
for RLIM_INFINITY (null here). procui also takes `-1` (Python's RLIM_INFINITY), `unlimited`
and `infinity` for it. The name must be a Linux limit.
*/
export function readRlimits(reader: SectionReader, issues: IssueList): Rlimits {
	const limits: Record<string, number | null> = {};
	for (const entry of reader.section.entries.filter(candidate => candidate.key.startsWith('rlimit_'))) {
		reader.use(entry.key);
		const name = entry.key.slice('rlimit_'.length);
		if (!rlimitNames.includes(name)) {
			issues.error(entry.origin, `${entry.key}: unknown resource limit ${quote(name)}${didYouMean(name, rlimitNames)}; expected one of ${rlimitNames.join(', ')}`);
			continue;
		}

		const text = reader.substitute(entry).trim();
		if (text === '' || text === '-1' || /^(?:unlimited|infinity)$/i.test(text)) {
			limits[name] = null;
		} else if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
			limits[name] = Number(text);
		} else {
			issues.error(entry.origin, `${entry.key}: expected a whole number ≥ 0, or nothing for unlimited, got ${quote(text)}`);
		}
	}

	return limits;
}
