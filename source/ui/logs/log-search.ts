/**
Search in the log pane's buffer: case-insensitive, over the text without colours. Runs on a key
press (`/`, `n`, `N`), never while rendering; a pass over a full buffer is a few milliseconds.
*/
import {foldedText, type LogBuffer} from './log-buffer.js';

/**
The nearest entry containing `query`, starting at `from` (included) and going `older` (down to the
oldest line held) or `newer`.
*/
export function findMatch(buffer: LogBuffer, query: string, from: number, direction: 'older' | 'newer'): number | undefined {
	const needle = query.toLowerCase();
	if (needle === '') {
		return undefined;
	}

	if (direction === 'older') {
		for (let index = Math.min(from, buffer.end - 1); index >= buffer.start; index--) {
			if (foldedText(buffer.at(index)!).includes(needle)) {
				return index;
			}
		}

		return undefined;
	}

	for (let index = Math.max(from, buffer.start); index < buffer.end; index++) {
		if (foldedText(buffer.at(index)!).includes(needle)) {
			return index;
		}
	}

	return undefined;
}

/** Matching entries in the buffer, and the 1-based rank of `match` counted from the newest. */
function matchRank(buffer: LogBuffer, query: string, match: number): {rank: number; total: number} {
	const needle = query.toLowerCase();
	let total = 0;
	let rank = 0;
	for (let index = buffer.end - 1; index >= buffer.start; index--) {
		if (foldedText(buffer.at(index)!).includes(needle)) {
			total++;
			if (index === match) {
				rank = total;
			}
		}
	}

	return {rank, total};
}

/** "3 of 12 (newest first)", or why there is no match. */
export function describeMatch(buffer: LogBuffer, query: string, match: number | undefined): string {
	if (match === undefined) {
		return `"${query}" not found`;
	}

	const {rank, total} = matchRank(buffer, query, match);
	return `match ${rank} of ${total}`;
}
