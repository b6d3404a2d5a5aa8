import {memo} from 'react';
import type {WatcherRow} from '../../control/rows.js';
import {textWidth} from '../text/ansi-text.js';
import {fitColumns, tableRow, type Column} from '../text/columns.js';
import {formatBytes, formatPercent} from '../text/format.js';
import {toneColor, toneGlyph} from '../style/palette.js';
import {fitDetail, unknownStatus, watcherDetail, watcherStateWord, watcherTone} from '../style/watcher-state.js';
import {listVisibleRows} from './layout.js';
import {listWindow} from './list-window.js';
import {Pane} from './Pane.js';
import {Rows} from './Rows.js';

type Props = {
	readonly rows: readonly WatcherRow[];
	/** The selected watcher's name. */
	readonly selected: string | undefined;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
};

// Priorities: what a person needs at a glance stays longest. Restarts and the back-off or
// flapping detail are kept at every width (the detail abbreviated); CPU and memory, which the
// charts beside the list also show, go first.
const columns = (nameWidth: number, procsWidth: number, restartsWidth: number): ReadonlyArray<Column<WatcherRow>> => [
	{title: ' ', width: 1, align: 'left', priority: 0, cell: (row) => ({text: toneGlyph[watcherTone(row)], color: toneColor[watcherTone(row)]})},
	// A long name gives up width (to 10 columns) before the state or the counts go.
	{title: 'WATCHER', width: nameWidth, align: 'left', priority: 0, flex: true, minWidth: Math.min(nameWidth, 10), shrinkBefore: 2, cell: (row) => ({text: row.name})},
	{title: 'STATE', width: 8, align: 'left', priority: 2, cell: (row) => ({text: watcherStateWord(row), color: toneColor[watcherTone(row)]})},
	{title: 'PROCS', width: procsWidth, align: 'right', priority: 1, cell: (row) => (row.status === unknownStatus ? {text: `?/${row.numprocesses}`, dim: true} : {text: `${row.running}/${row.numprocesses}`, color: row.running < row.numprocesses ? 'yellow' : undefined})},
	{title: 'CPU', width: 5, align: 'right', priority: 3, cell: (row) => (row.status === unknownStatus ? {text: '?', dim: true} : {text: formatPercent(row.cpu)})},
	{title: 'MEM', width: 6, align: 'right', priority: 4, cell: (row) => (row.status === unknownStatus ? {text: '?', dim: true} : {text: formatBytes(row.rss)})},
	{title: '↻', width: restartsWidth, align: 'right', priority: 1, cell: (row) => ({text: String(row.restarts), color: row.restarts > 0 ? 'yellow' : undefined, dim: row.restarts === 0})},
	{title: 'DETAIL', width: 6, align: 'left', priority: 1, flex: true, cell: (row) => ({text: watcherDetail(row), dim: true})},
];

/**
Whether the list would draw the same for both: every field of a row it reads (the cells above
and the tone and state word, which read the processes' states) and the other props. A stats event
a second brings new rows whose processes are a second older, which the list does not show.
test/ui/watcher-list.test.tsx changes each field of a row in turn: when this says the same, the
two pictures must be the same.
*/
export function sameWatcherList(a: Props, b: Props): boolean {
	if (a.selected !== b.selected || a.focused !== b.focused || a.width !== b.width || a.height !== b.height || a.rows.length !== b.rows.length) {
		return false;
	}

	for (let index = 0; index < a.rows.length; index++) {
		const one = a.rows[index]!;
		const other = b.rows[index]!;
		if (one !== other && !sameListedRow(one, other)) {
			return false;
		}
	}

	return true;
}

function sameListedRow(a: WatcherRow, b: WatcherRow): boolean {
	if (a.name !== b.name || a.status !== b.status || a.detail !== b.detail || a.numprocesses !== b.numprocesses || a.running !== b.running
		|| a.restarts !== b.restarts || a.cpu !== b.cpu || a.rss !== b.rss || a.processes.length !== b.processes.length) {
		return false;
	}

	return a.processes.every((process, index) => process.state === b.processes[index]!.state);
}

/**
The watchers: state glyph and colour, running/desired, CPU, memory, restarts, back-off or
flapping. Built again only when what it shows changed (sameWatcherList), not with every stats event.
*/
export const WatcherList = memo(function WatcherList({rows, selected, focused, width, height}: Props) {
	const nameWidth = Math.min(24, Math.max(7, ...rows.map((row) => textWidth(row.name))));
	// Counts are never cut: 120/120 processes, 1234 restarts.
	const procsWidth = Math.max(5, ...rows.map((row) => `${row.status === unknownStatus ? '?' : row.running}/${row.numprocesses}`.length));
	const restartsWidth = Math.max(3, ...rows.map((row) => String(row.restarts).length));
	const kept = fitColumns(columns(nameWidth, procsWidth, restartsWidth), width - 3);
	const withState = kept.some((column) => column.title === 'STATE');
	// The detail, abbreviated to the width its column got (with the state word when STATE is gone).
	const fitted = kept.map((column) => (column.title === 'DETAIL' ? {...column, cell: (row: WatcherRow) => ({text: row.status === unknownStatus && !withState ? unknownStatus : fitDetail(watcherDetail(row), column.width, withState ? undefined : watcherStateWord(row)), dim: true})} : column));
	const visible = listVisibleRows(height);
	const selectedIndex = Math.max(0, rows.findIndex((row) => row.name === selected));
	const {start, end} = listWindow(rows.length, selectedIndex, visible);
	const title = `Watchers (${rows.length})`;
	const right = rows.length > visible ? `${start + 1}-${end} of ${rows.length}` : '';
	return (
		<Pane title={title} right={right} width={width} height={height} focused={focused}>
			<Rows
				width={width - 2}
				rows={[
					tableRow(fitted, undefined, false, false),
					...(rows.length === 0 ? [' no watchers'] : rows.slice(start, end).map((row) => tableRow(fitted, row, row.name === selected, focused))),
				]}
			/>
		</Pane>
	);
}, sameWatcherList);
