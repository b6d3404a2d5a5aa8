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
const columns = (nameWidth: number): ReadonlyArray<Column<WatcherRow>> => [
	{title: ' ', width: 1, align: 'left', priority: 0, cell: (row) => ({text: toneGlyph[watcherTone(row)], color: toneColor[watcherTone(row)]})},
	{title: 'WATCHER', width: nameWidth, align: 'left', priority: 0, flex: true, cell: (row) => ({text: row.name})},
	{title: 'STATE', width: 8, align: 'left', priority: 2, cell: (row) => ({text: watcherStateWord(row), color: toneColor[watcherTone(row)]})},
	{title: 'PROCS', width: 5, align: 'right', priority: 1, cell: (row) => (row.status === unknownStatus ? {text: `?/${row.numprocesses}`, dim: true} : {text: `${row.running}/${row.numprocesses}`, color: row.running < row.numprocesses ? 'yellow' : undefined})},
	{title: 'CPU', width: 5, align: 'right', priority: 3, cell: (row) => (row.status === unknownStatus ? {text: '?', dim: true} : {text: formatPercent(row.cpu)})},
	{title: 'MEM', width: 6, align: 'right', priority: 4, cell: (row) => (row.status === unknownStatus ? {text: '?', dim: true} : {text: formatBytes(row.rss)})},
	{title: '↻', width: 3, align: 'right', priority: 1, cell: (row) => ({text: String(row.restarts), color: row.restarts > 0 ? 'yellow' : undefined, dim: row.restarts === 0})},
	{title: 'DETAIL', width: 6, align: 'left', priority: 1, flex: true, cell: (row) => ({text: watcherDetail(row), dim: true})},
];

/** The watchers: state glyph and colour, running/desired, CPU, memory, restarts, back-off or flapping. */
export function WatcherList({rows, selected, focused, width, height}: Props) {
	const nameWidth = Math.min(24, Math.max(7, ...rows.map((row) => textWidth(row.name))));
	const kept = fitColumns(columns(nameWidth), width - 3);
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
}
