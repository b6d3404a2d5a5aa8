import type {WatcherRow} from '../../control/rows.js';
import {textWidth, truncateColumns} from '../text/ansi-text.js';
import type {Notice} from '../live/live-store.js';
import {quitProgress} from '../state/quit-progress.js';
import {paint, type Color} from '../style/sgr.js';
import type {StatusMessage, UiState} from '../state/ui-state.js';
import {Rows} from './Rows.js';

type Props = {
	readonly ui: Pick<UiState, 'running' | 'last' | 'quit'>;
	readonly notice: Notice | undefined;
	readonly watchers: readonly WatcherRow[];
	readonly now: number;
	readonly width: number;
};

const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const glyph: Readonly<Record<StatusMessage['tone'], {text: string; color: Color}>> = {
	busy: {text: '⠿', color: 'cyan'},
	ok: {text: '✓', color: 'green'},
	error: {text: '✖', color: 'red'},
	warn: {text: '⚠', color: 'yellow'},
	info: {text: '•', color: 'blue'},
};

/** Columns kept for the user's own result when a notice shares the line. */
const leftShare = 0.5;

/** The left part: quitting, commands in flight, or the user's last result (it stays until the next command). */
function ownText({ui, watchers, now}: Props, width: number): string {
	const frame = spinner[Math.floor(now / 100) % spinner.length]!;
	if (ui.quit !== undefined) {
		return paint(`${frame} `, {color: 'yellow'}) + paint(truncateColumns(quitProgress(ui.quit, watchers, now), width - 2), {bold: true, color: 'yellow'});
	}

	if (ui.running.length > 0) {
		const more = ui.running.length > 1 ? ` (+${ui.running.length - 1} more)` : '';
		return paint(`${frame} `, {color: 'cyan'}) + truncateColumns(ui.running[0]!.text + more, width - 2);
	}

	if (ui.last === undefined) {
		return paint(truncateColumns('Ready. ? lists every key.', width), {color: 'gray'});
	}

	const {text, color} = glyph[ui.last.tone];
	return paint(`${text} `, {color}) + paint(truncateColumns(ui.last.text, width - 2), {color: ui.last.tone === 'error' ? 'red' : undefined});
}

/** A notice nobody asked for, with how often it came: "⚠ flaky is flapping: retry in 2 s (×5)". */
function noticeText(notice: Notice, width: number): string {
	const {text, color} = glyph[notice.level];
	const count = notice.count > 1 ? ` (×${notice.count})` : '';
	const room = width - 2 - textWidth(count);
	if (room < 4) {
		return '';
	}

	return paint(`${text} `, {color}) + paint(truncateColumns(notice.text, room), {color: notice.level === 'error' ? 'red' : 'yellow'}) + paint(count, {bold: true});
}

/**
The status line: on the left what the user did (quitting, commands in flight, the last result,
kept until the next command); on the right the latest notice (a flapping watcher, a warning),
repeats collapsed into a count, so a noisy watcher never hides the user's own result.
*/
export function statusText(props: Props): string {
	const {notice, width} = props;
	if (notice === undefined) {
		return ownText(props, width);
	}

	const wantedNotice = textWidth(noticeText(notice, width));
	const full = ownText(props, width);
	const leftRoom = Math.max(Math.ceil(width * leftShare), width - wantedNotice - 2);
	const left = textWidth(full) <= leftRoom ? full : ownText(props, leftRoom);
	const right = noticeText(notice, width - textWidth(left) - 2);
	const gap = Math.max(0, width - textWidth(left) - textWidth(right));
	return right === '' ? left : left + ' '.repeat(gap) + right;
}

/** What is going on: quitting, commands in flight, the latest result, and the latest notice. */
export function StatusLine(props: Props) {
	return <Rows rows={[statusText(props)]} width={props.width}/>;
}
