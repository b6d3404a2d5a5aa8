/**
Where the panes go for a terminal size, computed once per frame from numbers only.

	header                                   1 row
	[watchers] [processes] [charts]          top: the lists, CPU over memory charts
	[logs                             ]      the rest
	status                                   1 row
	footer (key hints)                       1 row

Below `wideColumns` only one list is shown: the watchers, or the selected watcher's processes
once Enter (or Tab) moves there. Zoom gives the logs everything between header and status.
*/

/** From this width on, the watcher list and the process list sit side by side. */
const wideColumns = 120;
/** The smallest terminal procui draws its screen in (80×24 is the design size). */
export const minColumns = 60;
export const minRows = 16;

/** Rows above the top row: the header. */
export const headerRows = 1;
/** Rows of a list's box above its first item: the title in the top border, then the column titles. */
export const listHeadRows = 2;

/** Items a list box of this outer height shows (its title, column titles and bottom border take 3 rows). */
export function listVisibleRows(height: number): number {
	return Math.max(0, height - 3);
}

export type Layout = {
	readonly columns: number;
	readonly rows: number;
	/** Too small to draw: show a notice instead. */
	readonly tooSmall: boolean;
	/** Outer height of the top row (0 when zoomed). */
	readonly topHeight: number;
	/** Outer widths of the top row's boxes; 0 when not shown. */
	readonly watchersWidth: number;
	readonly processesWidth: number;
	readonly chartsWidth: number;
	/** Outer height of the log box. */
	readonly logHeight: number;
};

export type LayoutInput = {
	readonly columns: number;
	readonly rows: number;
	/** Rows the lists would like (watchers, the selection's processes). */
	readonly watcherCount: number;
	readonly processCount: number;
	/** Columns the longest watcher name takes. */
	readonly nameWidth: number;
	/** Which list the narrow layout shows. */
	readonly list: 'watchers' | 'processes';
	readonly zoom: boolean;
};

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), Math.max(low, high));

export function computeLayout(input: LayoutInput): Layout {
	const {columns, rows} = input;
	const middle = rows - 3;
	if (columns < minColumns || rows < minRows) {
		return {columns, rows, tooSmall: true, topHeight: 0, watchersWidth: 0, processesWidth: 0, chartsWidth: 0, logHeight: 0};
	}

	if (input.zoom) {
		return {columns, rows, tooSmall: false, topHeight: 0, watchersWidth: 0, processesWidth: 0, chartsWidth: 0, logHeight: middle};
	}

	const minTop = rows >= 40 ? 12 : rows >= 30 ? 10 : 8;
	// Border (2) and column titles (1) around the longest list.
	const wanted = Math.max(input.watcherCount, input.processCount) + 3;
	const topHeight = clamp(wanted, minTop, Math.floor(middle * 0.45));
	const wide = columns >= wideColumns;
	const chartsWidth = wide ? clamp(Math.round(columns * 0.28), 30, 56) : clamp(Math.round(columns * 0.36), 26, 40);
	const listsWidth = columns - chartsWidth;
	let watchersWidth = 0;
	let processesWidth = 0;
	if (wide) {
		// Wide enough for every column of the watcher list (44 besides the name, with room for a short
		// back-off or flapping detail); the processes take the rest.
		watchersWidth = clamp(48 + input.nameWidth, 40, Math.round(listsWidth * 0.5));
		processesWidth = listsWidth - watchersWidth;
	} else if (input.list === 'watchers') {
		watchersWidth = listsWidth;
	} else {
		processesWidth = listsWidth;
	}

	return {columns, rows, tooSmall: false, topHeight, watchersWidth, processesWidth, chartsWidth, logHeight: middle - topHeight};
}
