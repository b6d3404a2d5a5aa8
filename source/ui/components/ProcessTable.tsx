import type {ProcessRow, WatcherRow} from '../../control/rows.js';
import {fitColumns, tableRow, type Column, type Cell} from '../text/columns.js';
import {formatAge, formatBytes, formatExit, formatPercent} from '../text/format.js';
import {toneColor} from '../style/palette.js';
import {paint} from '../style/sgr.js';
import {signalNames} from '../input/signals.js';
import type {SlotInfo} from '../live/slots.js';
import {processTone, unknownStatus, watcherDetail, watcherStateWord} from '../style/watcher-state.js';
import {listVisibleRows} from './layout.js';
import {listWindow} from './list-window.js';
import {Pane} from './Pane.js';
import {Rows} from './Rows.js';

type Props = {
	readonly watcher: WatcherRow | undefined;
	readonly selected: number | undefined;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	/** Restarts and last exit of a slot (watcher, wid). */
	readonly slot: (watcher: string, wid: number) => SlotInfo;
};

/** `unknown`: the supervisor cannot be reached, so the state is not known. */
type Line = {readonly row: ProcessRow; readonly slot: SlotInfo; readonly unknown: boolean};

const exitColor = (code: number | undefined): Cell['color'] => (code === undefined ? undefined : code === 0 ? 'green' : 'red');

// Restarts outrank the slot number: in a pane of 40 columns (a 120-column terminal) PID, STATE,
// CPU, RSS, AGE and ↻ fit, and the last exit is in the title.
const columns = (restartsWidth: number): ReadonlyArray<Column<Line>> => [
	{title: 'PID', width: 7, align: 'left', priority: 0, cell: ({row}) => ({text: String(row.pid)})},
	{title: 'WID', width: 3, align: 'right', priority: 3, cell: ({row}) => ({text: String(row.wid)})},
	{title: 'STATE', width: 8, align: 'left', priority: 0, cell: ({row, unknown}) => (unknown ? {text: unknownStatus, dim: true} : {text: row.state === 'running' && row.paused ? 'paused' : row.state, color: toneColor[processTone(row)]})},
	{title: 'CPU', width: 5, align: 'right', priority: 1, cell: ({row, unknown}) => (unknown ? {text: '?', dim: true} : {text: formatPercent(row.cpu)})},
	{title: 'RSS', width: 6, align: 'right', priority: 1, cell: ({row, unknown}) => (unknown ? {text: '?', dim: true} : {text: formatBytes(row.rss)})},
	{title: 'AGE', width: 6, align: 'right', priority: 2, cell: ({row}) => ({text: formatAge(row.age)})},
	{title: '↻', width: restartsWidth, align: 'right', priority: 2, cell: ({slot}) => ({text: String(slot.restarts), color: slot.restarts > 0 ? 'yellow' : undefined, dim: slot.restarts === 0})},
	{title: 'LAST EXIT', width: 9, align: 'left', priority: 5, cell: ({slot}) => ({text: slot.lastExit === undefined ? '-' : formatExit(slot.lastExit, signalNames), color: exitColor(slot.lastExit), dim: slot.lastExit === undefined})},
	{title: 'COMMAND', width: 12, align: 'left', priority: 6, flex: true, cell: ({row}) => ({text: row.cmdline, dim: true})},
];

function emptyText(watcher: WatcherRow | undefined): string {
	if (watcher === undefined) {
		return 'no watcher selected';
	}

	return watcher.status === 'stopped' ? 'stopped: s starts it' : `no process running (${watcherStateWord(watcher)})`;
}

/** The selected watcher's processes: pid, wid, state, CPU, RSS, age, restarts and last exit of its slot. */
export function ProcessTable({watcher, selected, focused, width, height, slot}: Props) {
	const lines: Line[] = (watcher?.processes ?? []).map((row) => ({row, slot: slot(watcher!.name, row.wid), unknown: watcher!.status === unknownStatus}));
	const fitted = fitColumns(columns(Math.max(3, ...lines.map((line) => String(line.slot.restarts).length))), width - 3);
	const visible = listVisibleRows(height);
	const selectedIndex = Math.max(0, lines.findIndex((line) => line.row.pid === selected));
	const {start, end} = listWindow(lines.length, selectedIndex, visible);
	const title = watcher === undefined ? 'Processes' : `Processes · ${watcher.name} ${watcher.status === unknownStatus ? '?' : watcher.running}/${watcher.numprocesses}`;
	const detail = watcher === undefined ? '' : watcherDetail(watcher);
	const lastExit = watcher?.last_exit;
	// A stream file that drops or fails says so here: the scrollback has those lines, the file does not.
	const streamNotice = watcher?.stream_notices?.[0];
	const said = detail === '' && streamNotice !== undefined ? `⚠ ${streamNotice}` : detail === '' && lastExit ? `last exit: ${formatExit(lastExit.exit_code, signalNames)}` : detail;
	// More processes than rows: which of them show, as the watcher list says.
	const range = lines.length > visible ? `${start + 1}-${end} of ${lines.length}` : '';
	const right = [said, range].filter((part) => part !== '').join(' · ');
	return (
		<Pane title={title} right={right} width={width} height={height} focused={focused}>
			<Rows
				width={width - 2}
				rows={[
					tableRow(fitted, undefined, false, false),
					...(lines.length === 0 ? [paint(` ${emptyText(watcher)}`, {color: 'gray'})] : lines.slice(start, end).map((line) => tableRow(fitted, line, line.row.pid === selected, focused))),
				]}
			/>
		</Pane>
	);
}
