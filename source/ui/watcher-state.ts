/** What a watcher's or a process's state means at a glance: a tone (colour, glyph) and a word. */
import type {ProcessRow, WatcherRow} from '../control/rows.js';
import type {Tone} from './palette.js';

/** The tone of a watcher: gave up is bad; back-off, flapping and failed spawns warn; starting and stopping are busy. */
export function watcherTone(row: WatcherRow): Tone {
	if (row.detail.startsWith('gave up')) {
		return 'bad';
	}

	if (row.detail.startsWith('flapping') || row.detail.startsWith('backing off') || row.detail.startsWith('spawn failed')) {
		return 'warn';
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

/** One word for the state column: the status, or what procui's detail adds (back-off, flapping, gave up). */
export function watcherStateWord(row: WatcherRow): string {
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

export function processTone(row: ProcessRow): Tone {
	switch (row.state) {
		case 'running': {
			return 'ok';
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
