/**
Table columns that fit: each has a width and a priority; the least important go first when the
pane is narrow, and the last flexible column kept takes what is left.
*/

import {padColumns} from './ansi-text.js';
import {paint, type Color} from '../style/sgr.js';

/** One cell as a table draws it. */
export type Cell = {
	readonly text: string;
	readonly color?: Color;
	/** Less important: drawn grey. */
	readonly dim?: boolean;
};

export type Column<Row> = {
	readonly title: string;
	/** Columns wide (the least, for a flexible column). */
	readonly width: number;
	readonly align: 'left' | 'right';
	/** Lower stays longer. */
	readonly priority: number;
	/** May take the width left over: the last flexible column kept does. */
	readonly flex?: boolean;
	/** May give up width down to this (its text cut with `…`) before a column of priority
	`shrinkBefore` or lower is dropped: a long watcher name must not push out its state. */
	readonly minWidth?: number;
	readonly shrinkBefore?: number;
	readonly cell: (row: Row) => Cell;
};

/** Columns separate by one space. */
const columnGap = 1;

/** The columns that fit in `available` columns, in their order, with the flexible one widened. */
export function fitColumns<Row>(columns: ReadonlyArray<Column<Row>>, available: number): Array<Column<Row>> {
	let kept = [...columns];
	const total = (list: ReadonlyArray<Column<Row>>): number => list.reduce((sum, column) => sum + column.width, 0) + Math.max(0, list.length - 1) * columnGap;
	while (kept.length > 1 && total(kept) > available) {
		const least = kept.reduce((worst, column) => (column.priority > worst.priority ? column : worst));
		const shrinkable = kept.find((column) => column.minWidth !== undefined && column.width > column.minWidth && least.priority <= (column.shrinkBefore ?? Number.POSITIVE_INFINITY));
		if (shrinkable !== undefined) {
			const width = Math.max(shrinkable.minWidth!, shrinkable.width - (total(kept) - available));
			kept = kept.map((column) => (column === shrinkable ? {...column, width} : column));
			continue;
		}

		kept = kept.filter((column) => column !== least);
	}

	const spare = available - total(kept);
	const flexible = kept.findLast((column) => column.flex);
	if (flexible !== undefined && spare > 0) {
		kept = kept.map((column) => (column === flexible ? {...column, width: column.width + spare} : column));
	}

	return kept;
}

/**
One line of a table, as text: `▸` marks the selected row, inverted when the table has the keys,
bold when it does not; `row` undefined gives the column titles.
*/
export function tableRow<Row>(columns: ReadonlyArray<Column<Row>>, row: Row | undefined, selected: boolean, focused: boolean): string {
	const cells = columns.map((column) => {
		const cell: Cell = row === undefined ? {text: column.title, dim: true} : column.cell(row);
		return paint(padColumns(cell.text, column.width, column.align), {color: cell.dim ? 'gray' : cell.color});
	});
	const line = paint(selected ? '▸' : ' ', {color: 'cyan'}) + cells.join(' '.repeat(columnGap));
	return selected ? paint(line, focused ? {inverse: true} : {bold: true}) : line;
}
