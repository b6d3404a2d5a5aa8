/**
The log pane's visible rows, computed from the bottom up for just the rows that fit: the cost of a
frame depends on the pane's size, never on how many lines the buffer holds.
*/
import {expandTabs, findAll, highlightRanges, padColumns, sliceColumns, textWidth, truncateColumns, wrapColumns, type Highlight} from '../text/ansi-text.js';
import {formatClock} from '../text/format.js';
import {gapText, plainText, type LogBuffer, type LogEntry} from './log-buffer.js';
import {watcherColor} from '../style/palette.js';
import {terminalCaps} from '../screen/terminal-caps.js';

/** How the log pane draws its lines. */
export type LogRowOptions = {
	/** Columns available. */
	readonly width: number;
	/** Rows available. */
	readonly height: number;
	/** Wrap long lines (else cut them, and scroll sideways with `hscroll`). */
	readonly wrap: boolean;
	/** Columns scrolled to the right when not wrapping. */
	readonly hscroll: number;
	/** Prefix each line with its time of day. */
	readonly timestamps: boolean;
	/** Prefix each line with its watcher (all watchers), its pid (one watcher with several processes), or nothing. */
	readonly prefix: 'watcher' | 'pid' | 'none';
	/** Width the watcher prefix is padded to. */
	readonly prefixWidth: number;
	/** Search text to highlight (empty: none). */
	readonly query: string;
	/** The entry holding the current match, drawn in the stronger colour. */
	readonly currentMatch?: number;
	/**
	A wrapped entry at the bottom taller than the pane shows its first rows, not its last: when
	the view is paused on it, its start is what cannot be reached otherwise. Following, the
	newest text (its end) is what matters.
	*/
	readonly startOfTall?: boolean;
};

const dim = (text: string): string => `\u001B[2m${text}\u001B[22m`;
// Without colours (NO_COLOR), matches are underlined and the current one is in reverse video.
const matchStyle = (): string => (terminalCaps().color ? '\u001B[30;43m' : '\u001B[4m');
const currentMatchStyle = (): string => (terminalCaps().color ? '\u001B[30;106m' : '\u001B[7m');

/** The prefix columns of an entry: time, then watcher or pid. */
export function prefixOf(entry: LogEntry, options: Pick<LogRowOptions, 'timestamps' | 'prefix' | 'prefixWidth'>): string {
	let prefix = options.timestamps ? dim(`${formatClock(entry.time)} `) : '';
	if (entry.kind === 'line') {
		if (options.prefix === 'watcher') {
			prefix += `${watcherColor(entry.watcher)}${padColumns(entry.watcher, options.prefixWidth)}\u001B[39m${dim('│')}`;
		} else if (options.prefix === 'pid') {
			prefix += dim(`${String(entry.pid).padStart(7)}│`);
		}
	}

	if (entry.kind === 'line' && entry.stderr) {
		prefix += stderrMark();
	}

	return prefix;
}

/** The mark of a line written to stderr: a red bar (a `!` without Unicode, no colour without colour). */
function stderrMark(): string {
	const caps = terminalCaps();
	const mark = caps.unicode ? '▍' : '!';
	return caps.color ? `\u001B[31m${mark}\u001B[39m` : mark;
}

/** The text part of an entry, with search matches marked. */
function bodyOf(entry: LogEntry, index: number, options: LogRowOptions): string {
	if (entry.kind === 'gap') {
		return `\u001B[33m${gapText(entry)}\u001B[39m`;
	}

	const text = expandTabs(entry.text);
	if (options.query === '') {
		return text;
	}

	const style = index === options.currentMatch ? currentMatchStyle() : matchStyle();
	const ranges: Highlight[] = findAll(plainText(entry), options.query).map((range) => ({...range, style}));
	return ranges.length === 0 ? text : highlightRanges(text, ranges);
}

/** The rows of one entry at this width. */
function entryRows(entry: LogEntry, index: number, options: LogRowOptions): string[] {
	const prefix = prefixOf(entry, options);
	const body = bodyOf(entry, index, options);
	const available = Math.max(1, options.width - textWidth(prefix));
	if (options.wrap) {
		const rows = wrapColumns(body, available);
		const indent = ' '.repeat(textWidth(prefix));
		return rows.map((row, rowIndex) => (rowIndex === 0 ? prefix : indent) + row);
	}

	const shifted = options.hscroll > 0 && entry.kind === 'line' ? sliceColumns(body, options.hscroll, options.hscroll + available + 1) : body;
	return [prefix + truncateColumns(shifted, available)];
}

/**
The entry the view ends just before (an absolute index): the newest while following, else the
anchor. Lines scrolled back to may have been evicted since (a flood fills the buffer in seconds):
then the oldest page held.
*/
export function viewBottom(buffer: LogBuffer, follow: boolean, anchor: number, height: number): number {
	return follow ? buffer.end : Math.min(Math.max(anchor, Math.min(buffer.end, buffer.start + height)), buffer.end);
}

/**
How far the lines that fill the pane (not wrapping: one row each) can scroll sideways: the columns
the widest of them overflows the pane by. Scrolled further, the view would only grow emptier.
*/
export function widestOverflow(buffer: LogBuffer, bottom: number, options: Pick<LogRowOptions, 'width' | 'height' | 'timestamps' | 'prefix' | 'prefixWidth'>): number {
	let widest = 0;
	const end = Math.min(bottom, buffer.end);
	for (let index = Math.max(buffer.start, end - options.height); index < end; index++) {
		const entry = buffer.at(index)!;
		if (entry.kind === 'line') {
			const available = Math.max(1, options.width - textWidth(prefixOf(entry, options)));
			widest = Math.max(widest, textWidth(expandTabs(entry.text)) - available);
		}
	}

	return widest;
}

/**
The rows that fill the pane with the entries ending just before `bottom` (an absolute index), the
index of the first entry shown, and the entry each row belongs to.
*/
export function visibleRows(buffer: LogBuffer, bottom: number, options: LogRowOptions): {rows: string[]; top: number; entries: number[]} {
	const rows: string[] = [];
	const entries: number[] = [];
	let index = Math.min(bottom, buffer.end) - 1;
	let top = index + 1;
	while (rows.length < options.height && index >= buffer.start) {
		const entry = buffer.at(index)!;
		const entryRowsList = entryRows(entry, index, options);
		const room = options.height - rows.length;
		const shown = entryRowsList.length <= room ? entryRowsList : rows.length === 0 && options.startOfTall ? entryRowsList.slice(0, room) : entryRowsList.slice(entryRowsList.length - room);
		rows.unshift(...shown);
		entries.unshift(...shown.map(() => index));
		top = index;
		index--;
	}

	return {rows, top, entries};
}
