import type {IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';

/**
Warn about every option of the section that nothing read: by its reason when procui knows the
option but does not support it, otherwise as unknown, with a suggestion when one is close.
*/
export function warnUnknown(
	reader: SectionReader,
	known: readonly string[],
	issues: IssueList,
	what: string,
	unsupported: Readonly<Record<string, string>> = {},
): void {
	for (const entry of reader.unused()) {
		const reason = unsupported[entry.key];
		if (reason !== undefined) {
			issues.warn(entry.origin, `${entry.key}: ${reason}; ignored`);
			continue;
		}

		issues.warn(entry.origin, `${entry.key}: unknown ${what}${didYouMean(entry.key, known)}; ignored`);
	}
}

/** ` (did you mean \`singleton\`?)` when a known name is within two edits, else ''. */
export function didYouMean(key: string, known: readonly string[]): string {
	let best: string | undefined;
	let bestDistance = 3;
	for (const candidate of known) {
		const distance = editDistance(key, candidate);
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}

	return best === undefined ? '' : ` (did you mean \`${best}\`?)`;
}

/** Levenshtein distance, counting a swap of two neighbours as one edit. */
function editDistance(a: string, b: string): number {
	const rows: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : (j === 0 ? i : 0))));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				value = Math.min(value, rows[i - 2]![j - 2]! + 1);
			}

			rows[i]![j] = value;
		}
	}

	return rows[a.length]![b.length]!;
}
