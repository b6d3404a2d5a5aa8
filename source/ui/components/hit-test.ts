/**
What is under a cell of the screen: which pane, and which row of it. Computed from the same layout
(layout.ts) and list windows (list-window.ts) the panes are drawn with, so a click lands on the row
that is shown there.
*/
import {headerRows, listHeadRows, listVisibleRows, type Layout} from './layout.js';
import {listWindow} from './list-window.js';

/** A list as drawn: how many items, and which one is selected (the window is kept around it). */
export type ListView = {readonly count: number; readonly selected: number};

export type Hit =
	/** A list; `index` is the item under the pointer (absent on the border, the titles, below the last item). */
	| {readonly pane: 'watchers' | 'processes'; readonly index?: number}
	| {readonly pane: 'charts'}
	/** The log pane; `row` is the row of text under the pointer, from 0 at the top (absent on the border). */
	| {readonly pane: 'logs'; readonly row?: number};

/** The item of a list box at a row inside the box (0: its top border). */
function listItem(row: number, height: number, list: ListView): number | undefined {
	const visible = listVisibleRows(height);
	const shown = row - listHeadRows;
	if (shown < 0 || shown >= visible) {
		return undefined;
	}

	const {start, end} = listWindow(list.count, list.selected, visible);
	return start + shown < end ? start + shown : undefined;
}

/** What is at cell (x, y), from 0 at the top left; undefined for the header, the status line and the footer. */
export function hitTest(layout: Layout, lists: {readonly watchers: ListView; readonly processes: ListView}, x: number, y: number): Hit | undefined {
	if (layout.tooSmall || x < 0 || x >= layout.columns) {
		return undefined;
	}

	const top = y - headerRows;
	if (top < 0) {
		return undefined;
	}

	if (top < layout.topHeight) {
		const inside = (left: number, width: number): boolean => x > left && x < left + width - 1;
		if (x < layout.watchersWidth) {
			return {pane: 'watchers', index: inside(0, layout.watchersWidth) ? listItem(top, layout.topHeight, lists.watchers) : undefined};
		}

		if (x < layout.watchersWidth + layout.processesWidth) {
			return {pane: 'processes', index: inside(layout.watchersWidth, layout.processesWidth) ? listItem(top, layout.topHeight, lists.processes) : undefined};
		}

		return {pane: 'charts'};
	}

	const logTop = top - layout.topHeight;
	if (logTop < layout.logHeight) {
		// The title in the top border, then the text rows, then the bottom border.
		const row = logTop - 1;
		return {pane: 'logs', row: row >= 0 && row < layout.logHeight - 2 && x > 0 && x < layout.columns - 1 ? row : undefined};
	}

	return undefined;
}
