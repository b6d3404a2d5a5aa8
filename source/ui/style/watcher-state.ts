/** What a watcher's or a process's state means at a glance: a tone (colour, glyph) and a word. */
import type {Overview, ProcessRow, WatcherRow} from '../../control/rows.js';
import {textWidth, truncateColumns} from '../text/ansi-text.js';
import type {Tone} from './palette.js';

/** The tone of a watcher: gave up is bad; back-off, flapping and failed spawns warn; starting and stopping are busy. */
export function watcherTone(row: WatcherRow): Tone {
	if (row.status === unknownStatus) {
		return 'unknown';
	}

	if (row.detail.startsWith('gave up')) {
		return 'bad';
	}

	if (row.detail.startsWith('flapping') || row.detail.startsWith('backing off') || row.detail.startsWith('spawn failed')) {
		return 'warn';
	}

	if (stillStopping(row)) {
		return 'busy';
	}

	switch (row.status) {
		case 'active': {
			return row.running >= row.numprocesses ? 'ok' : 'busy';
		}

		case 'starting':
		case 'stopping': {
			return 'busy';
		}

		default: {
			return 'off';
		}
	}
}

/** The status of every watcher while the supervisor cannot be reached. */
export const unknownStatus = 'unknown';

/** The overview last seen, with every watcher's state unknown (the connection is gone). */
export function unknownOverview(overview: Overview): Overview {
	return {...overview, watchers: overview.watchers.map((row) => ({...row, status: unknownStatus, detail: unknownStatus}))};
}

/**
Processes on their way out and none running (a `decr` to 0, `set numprocesses 0`): the
supervisor still says `active`, which would read `active 0/0` while they stop.
*/
function stillStopping(row: WatcherRow): boolean {
	return row.status === 'active' && row.running === 0 && row.processes.some((process) => process.state === 'stopping');
}

/** One word for the state column: the status, or what procui's detail adds (back-off, flapping, gave up). */
export function watcherStateWord(row: WatcherRow): string {
	if (stillStopping(row)) {
		return 'stopping';
	}

	for (const [prefix, word] of [['gave up', 'gave up'], ['flapping', 'flapping'], ['backing off', 'backoff'], ['spawn failed', 'failing']] as const) {
		if (row.detail.startsWith(prefix)) {
			return word;
		}
	}

	return row.status;
}

/** procui's detail when it says more than the status ("backing off: respawn in 0.4 s"), else ''. */
export function watcherDetail(row: WatcherRow): string {
	return row.detail === row.status ? '' : row.detail;
}

/**
A detail cut to `width` columns, shortened before it is cut: the state column already says
"backoff", "flapping" or "gave up", so the words before the colon go first, then "retry in" and
"respawn in" ("backing off: respawn in 0.4 s" → "respawn in 0.4 s" → "0.4s"). `word`: the state
word, when no state column shows it ("backoff 0.4s").
*/
export function fitDetail(detail: string, width: number, word?: string): string {
	const rest = detail.includes(': ') ? detail.slice(detail.indexOf(': ') + 2) : detail;
	const compact = rest.replaceAll(/\b(?:retry|respawn) in /gu, '').replaceAll(/(\d) s\b/gu, '$1s');
	// Without a state column, the state word leads the shorter forms.
	const forms = word === undefined || detail === '' ? [detail, rest, compact] : [detail, `${word} ${rest}`, `${word} ${compact}`, compact];
	for (const candidate of forms) {
		if (textWidth(candidate) <= width) {
			return candidate;
		}
	}

	return truncateColumns(compact, width);
}

export function processTone(row: ProcessRow): Tone {
	switch (row.state) {
		case 'running': {
			return row.paused ? 'busy' : 'ok';
		}

		case 'stopping': {
			return 'busy';
		}

		default: {
			return 'off';
		}
	}
}

/** Processes that would be stopped by quitting: any not yet exited. */
export function liveProcessCount(watchers: readonly WatcherRow[]): number {
	let count = 0;
	for (const watcher of watchers) {
		for (const process of watcher.processes) {
			if (process.state !== 'exited') {
				count++;
			}
		}
	}

	return count;
}
