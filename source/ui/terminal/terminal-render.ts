/**
A terminal emulator's screen as the log pane's rows: each row's cells with their colours and
attributes turned back into SGR text, exactly `width` columns wide. And the reverse way, what a
person types, fitted to the modes the program set (application cursor keys, bracketed paste).
*/
import type {IBufferCell, IUnicodeVersionProvider, Terminal} from '@xterm/headless';
import {clusterWidth, textWidth} from '../text/ansi-text.js';

/** SGR parameters of a cell (empty for the default look). */
function cellStyle(cell: IBufferCell, cursor: boolean): string {
	const parts: string[] = [];
	if (cell.isBold()) {
		parts.push('1');
	}

	if (cell.isDim()) {
		parts.push('2');
	}

	if (cell.isItalic()) {
		parts.push('3');
	}

	if (cell.isUnderline()) {
		parts.push('4');
	}

	// The cursor is drawn as a reversed cell, so that a person typing sees where the text goes.
	if (Boolean(cell.isInverse()) !== cursor) {
		parts.push('7');
	}

	if (cell.isInvisible()) {
		parts.push('8');
	}

	if (cell.isStrikethrough()) {
		parts.push('9');
	}

	if (cell.isFgPalette()) {
		const color = cell.getFgColor();
		parts.push(color < 8 ? String(30 + color) : color < 16 ? String(82 + color) : `38;5;${color}`);
	} else if (cell.isFgRGB()) {
		const rgb = cell.getFgColor();
		parts.push(`38;2;${(rgb >> 16) & 0xff};${(rgb >> 8) & 0xff};${rgb & 0xff}`);
	}

	if (cell.isBgPalette()) {
		const color = cell.getBgColor();
		parts.push(color < 8 ? String(40 + color) : color < 16 ? String(92 + color) : `48;5;${color}`);
	} else if (cell.isBgRGB()) {
		const rgb = cell.getBgColor();
		parts.push(`48;2;${(rgb >> 16) & 0xff};${(rgb >> 8) & 0xff};${rgb & 0xff}`);
	}

	return parts.join(';');
}

/**
Character widths for the emulator from string-width, code point by code point, as a program's
wcwidth gives them: xterm's own table is Unicode 6, where an emoji is one cell, so a program that
draws one at two columns (as today's terminals show it) would have the rest of its line drawn a
column to the left. A zero-width character joins the cell before it, as in xterm's table.
*/
export const stringWidthUnicode: IUnicodeVersionProvider = {
	version: 'string-width',
	wcwidth(codePoint: number): 0 | 1 | 2 {
		return Math.min(2, clusterWidth(String.fromCodePoint(codePoint))) as 0 | 1 | 2;
	},
	charProperties(codePoint: number, preceding: number): number {
		let width: number = this.wcwidth(codePoint);
		let joins = width === 0 && preceding !== 0;
		if (joins) {
			// xterm's property value: width in bits 1-2, "joins the cell before" in bit 0 (its
			// UnicodeService.createPropertyValue; the Unicode 11 addon packs it the same way).
			const before = (preceding >> 1) & 3;
			if (before === 0) {
				joins = false;
			} else if (before > width) {
				width = before;
			}
		}

		return ((width & 3) << 1) | (joins ? 1 : 0);
	},
};

/** Have the emulator lay characters out with string-width's widths. */
export function applyStringWidths(terminal: Terminal): void {
	terminal.unicode.register(stringWidthUnicode);
	terminal.unicode.activeVersion = stringWidthUnicode.version;
}

/**
A cell's characters, as wide for Ink (string-width) as the emulator made the cell: the two may
disagree on a cluster (a character with a variation selector), and the row must stay `width` wide.
*/
function cellText(chars: string, cellWidth: number): string {
	if (chars === '') {
		return ' '.repeat(cellWidth);
	}

	const width = clusterWidth(chars);
	if (width === cellWidth) {
		return chars;
	}

	return width < cellWidth && width > 0 ? chars + ' '.repeat(cellWidth - width) : '?'.repeat(cellWidth);
}

/** The visible screen, `height` rows of `width` columns (cut or padded), with SGR colours. */
export function screenRows(terminal: Terminal, width: number, height: number, showCursor: boolean): string[] {
	const buffer = terminal.buffer.active;
	const cell = buffer.getNullCell();
	const rows: string[] = [];
	const cursorRow = buffer.cursorY;
	const cursorColumn = buffer.cursorX;
	const row = (y: number, asciiOnly: boolean): {text: string; used: number} => {
		const line = y < terminal.rows ? buffer.getLine(buffer.viewportY + y) : undefined;
		let text = '';
		let style = '';
		let used = 0;
		for (let x = 0; line !== undefined && x < Math.min(terminal.cols, width); x++) {
			line.getCell(x, cell);
			const cellWidth = cell.getWidth();
			if (cellWidth === 0) {
				continue; // The second half of a wide character.
			}

			if (used + cellWidth > width) {
				break;
			}

			const next = cellStyle(cell, showCursor && y === cursorRow && x === cursorColumn);
			if (next !== style) {
				text += next === '' ? '\u001B[0m' : `\u001B[0;${next}m`;
				style = next;
			}

			const chars = cell.getChars();
			text += asciiOnly && !/^[\u0020-\u007E]*$/u.test(chars) ? '?'.repeat(cellWidth) : cellText(chars, cellWidth);
			used += cellWidth;
		}

		return {text: style === '' ? text : `${text}\u001B[0m`, used};
	};

	for (let y = 0; y < height; y++) {
		let {text, used} = row(y, false);
		if (textWidth(text) !== used) {
			// Neighbouring cells whose characters form one cluster (a spacing vowel string-width
			// does not count, a ZWJ between two cells): such a row is drawn with `?` for them.
			({text, used} = row(y, true));
		}

		rows.push(text + ' '.repeat(Math.max(0, width - used)));
	}

	return rows;
}

const cursorKeys: Readonly<Record<string, string>> = {'\u001B[A': '\u001BOA', '\u001B[B': '\u001BOB', '\u001B[C': '\u001BOC', '\u001B[D': '\u001BOD', '\u001B[H': '\u001BOH', '\u001B[F': '\u001BOF'};
const pasteStart = '\u001B[200~';
const pasteEnd = '\u001B[201~';

/**
What to write into the program's terminal for one input event from procui's own terminal (keys
come as the terminal sent them; Ink hands an escape sequence as an event of its own). Arrow keys
follow the program's cursor-key mode. A paste comes bracketed (procui turns bracketed paste on
while in input mode): the brackets are passed on when the program asked for them (a shell or a
REPL then does not run each pasted line at once), dropped otherwise.
*/
export function keysFor(data: string, modes: {readonly applicationCursorKeysMode: boolean; readonly bracketedPasteMode: boolean}): string {
	if (modes.applicationCursorKeysMode && Object.hasOwn(cursorKeys, data)) {
		return cursorKeys[data]!;
	}

	if (!modes.bracketedPasteMode) {
		return data.replaceAll(pasteStart, '').replaceAll(pasteEnd, '');
	}

	return data;
}
