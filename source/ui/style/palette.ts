/**
The UI's colours, in one place: state colours for watchers and processes, and a stable colour
per watcher name for log prefixes. Ink colour names are used where Ink draws; raw SGR where
procui composes text itself (log rows, charts).
*/

import type {Color} from './sgr.js';

/** A watcher or process state as the user reads it. */
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'off' | 'unknown';

/** The colour of a tone. */
export const toneColor: Readonly<Record<Tone, Color>> = {
	ok: 'green',
	busy: 'cyan',
	warn: 'yellow',
	bad: 'red',
	off: 'gray',
	unknown: 'gray',
};

/** Glyph for a tone: filled when running, hollow when not. */
export const toneGlyph: Readonly<Record<Tone, string>> = {
	ok: '●',
	busy: '◐',
	warn: '◐',
	bad: '✖',
	off: '○',
	unknown: '?',
};

// Bright foregrounds that read on dark and light backgrounds; red is left for errors.
const prefixColors = ['36', '35', '33', '32', '34', '96', '95', '93', '92', '94'];

/** A stable SGR foreground for a watcher's name. */
export function watcherColor(name: string): string {
	let hash = 0;
	for (let index = 0; index < name.length; index++) {
		hash = (hash * 31 + name.charCodeAt(index)) >>> 0;
	}

	return `\u001B[${prefixColors[hash % prefixColors.length]}m`;
}
