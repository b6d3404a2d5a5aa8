import type {WatcherRow} from '../../control/rows.js';
import {truncateColumns} from '../ansi-text.js';
import type {Notice} from '../live-store.js';
import {quitProgress} from '../quit-progress.js';
import {paint, type Color} from '../sgr.js';
import type {StatusMessage, UiState} from '../ui-state.js';
import {Rows} from './Rows.js';

type Props = {
	readonly ui: Pick<UiState, 'running' | 'last' | 'quit'>;
	readonly notice: Notice | undefined;
	readonly watchers: readonly WatcherRow[];
	readonly now: number;
	readonly width: number;
};

const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
/** A command's result stays this long even when notices (a flapping watcher's warnings) keep coming. */
const resultHoldMs = 4000;
const glyph: Readonly<Record<StatusMessage['tone'], {text: string; color: Color}>> = {
	busy: {text: '⠿', color: 'cyan'},
	ok: {text: '✓', color: 'green'},
	error: {text: '✖', color: 'red'},
	warn: {text: '⚠', color: 'yellow'},
	info: {text: '•', color: 'blue'},
};

/** The status line's text: quitting, commands in flight, or the latest result or notice. */
export function statusText({ui, notice, watchers, now, width}: Props): string {
	const frame = spinner[Math.floor(now / 100) % spinner.length]!;
	if (ui.quit !== undefined) {
		return paint(`${frame} `, {color: 'yellow'}) + paint(truncateColumns(quitProgress(ui.quit, watchers, now), width - 2), {bold: true, color: 'yellow'});
	}

	if (ui.running.length > 0) {
		const more = ui.running.length > 1 ? ` (+${ui.running.length - 1} more)` : '';
		return paint(`${frame} `, {color: 'cyan'}) + truncateColumns(ui.running[0]!.text + more, width - 2);
	}

	const resultHolds = ui.last !== undefined && now - ui.last.time < resultHoldMs;
	const latest: StatusMessage | undefined = notice !== undefined && !resultHolds && (ui.last === undefined || notice.time > ui.last.time)
		? {id: 0, text: notice.text, tone: notice.level, time: notice.time}
		: ui.last;
	if (latest === undefined) {
		return paint('Ready. ? lists every key.', {color: 'gray'});
	}

	const {text, color} = glyph[latest.tone];
	return paint(`${text} `, {color}) + paint(truncateColumns(latest.text, width - 2), {color: latest.tone === 'error' ? 'red' : undefined});
}

/** What is going on: quitting, commands in flight, the latest result or notice. */
export function StatusLine(props: Props) {
	return <Rows rows={[statusText(props)]} width={props.width}/>;
}
