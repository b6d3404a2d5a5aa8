/**
The first frame, drawn before React and Ink have loaded (loading them is most of the time to the
UI's first frame): the layout the UI's own first frame has, before any data, box for box and
title for title, so that the UI takes over without a visible change and then fills it in. The
screen writer paints it; the UI's first frame repaints only the rows that differ. Nothing here may
import Ink or React (a test walks the imports).
*/
import {computeLayout} from '../components/layout.js';
import {fitHints} from '../input/keymap.js';
import {paint} from '../style/sgr.js';
import {padColumns, textWidth, truncateColumns} from '../text/ansi-text.js';

export type SkeletonInput = {
	readonly columns: number;
	readonly rows: number;
	readonly mode: 'embedded' | 'attached';
};

/** A box's rows: `╭─ TITLE ───╮`, empty sides, `╰───╯`; `body` fills it from the top. */
function box(title: string, width: number, height: number, body: readonly string[] = []): string[] {
	if (width <= 0 || height <= 0) {
		return [];
	}

	const room = Math.max(0, width - 6);
	const shown = truncateColumns(title, room);
	const top = paint('╭─ ', {color: 'gray'}) + paint(shown, {color: 'white'}) + paint(` ${'─'.repeat(Math.max(0, room - textWidth(shown)))}─╮`, {color: 'gray'});
	const side = paint('│', {color: 'gray'});
	const inner = Math.max(0, width - 2);
	const middle = Array.from({length: Math.max(0, height - 2)}, (_, index) => side + padColumns(truncateColumns(body[index] ?? '', inner), inner) + side);
	return [top, ...middle, paint(`╰${'─'.repeat(inner)}╯`, {color: 'gray'})];
}

/** Boxes side by side, row by row. */
function beside(...boxes: ReadonlyArray<readonly string[]>): string[] {
	const height = Math.max(0, ...boxes.map((rows) => rows.length));
	return Array.from({length: height}, (_, row) => boxes.map((rows) => rows[row] ?? '').join(''));
}

/** The frame, one string per row, as tall as the terminal. */
export function skeletonFrame(input: SkeletonInput): string {
	const {columns, rows} = input;
	// As the UI's first frame lays out, before it knows any watcher.
	const layout = computeLayout({columns, rows, watcherCount: 0, processCount: 0, nameWidth: 0, list: 'watchers', zoom: false});
	if (layout.tooSmall) {
		return '';
	}

	const badge = input.mode === 'embedded' ? ' EMBEDDED ' : ' ATTACHED ';
	const info = 'connecting…';
	const header = paint(' procui ', {inverse: true, bold: true, color: 'cyan'}) + ` ${info}${' '.repeat(Math.max(1, columns - 9 - textWidth(info) - textWidth(badge)))}` + paint(badge, {inverse: true, color: 'cyan'});
	const top = beside(
		box('Watchers (0)', layout.watchersWidth, layout.topHeight, ['', ' no watchers']),
		box('Processes', layout.processesWidth, layout.topHeight),
		box('History', layout.chartsWidth, layout.topHeight),
	);
	const logs = box('Logs · all watchers', columns, layout.logHeight, ['loading…']);
	const status = paint('Ready. ? lists every key.', {color: 'gray'});
	const footer = fitHints(columns).map((hint) => `${paint(hint.keys, {bold: true, color: 'cyan'})} ${paint(hint.label, {color: 'gray'})}`).join('  ');
	return [header, ...top, ...logs, status, footer].slice(0, rows).join('\n');
}
