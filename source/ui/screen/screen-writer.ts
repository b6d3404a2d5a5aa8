/**
Paints frames on the terminal's alternate screen, row by row at absolute positions, writing only
the rows that changed since the last frame, inside a synchronized update (DEC mode 2026, which
terminals that lack it ignore).

Why not Ink's own writer: a frame as tall as the terminal makes Ink clear the whole screen and
redraw every frame (its "fullscreen" path), which flickers over SSH and in tmux; a frame one row
shorter leaves a dead row and scrolls if anything writes a newline. Ink renders procui's tree to
text in debug mode (see frame-sink.ts) and this paints it.
*/

/** What the writer needs of a terminal stream. */
type TerminalOutput = {
	write(data: string): unknown;
	readonly rows?: number;
};

const enterAlternate = '\u001B[?1049h';
const leaveAlternate = '\u001B[?1049l';
const hideCursor = '\u001B[?25l';
const showCursor = '\u001B[?25h';
const clearScreen = '\u001B[2J\u001B[H';
const beginSync = '\u001B[?2026h';
const endSync = '\u001B[?2026l';
const resetStyle = '\u001B[0m';
/** No wrap at the last column: a full-width row never pushes the cursor onto the next one. */
const noAutowrap = '\u001B[?7l';
const autowrap = '\u001B[?7h';
const pasteOn = '\u001B[?2004h';
const pasteOff = '\u001B[?2004l';

export class ScreenWriter {
	readonly #out: TerminalOutput;
	#previous: string[] = [];
	#active = false;
	#paste = false;

	constructor(out: TerminalOutput) {
		this.#out = out;
	}

	get active(): boolean {
		return this.#active;
	}

	/** Switch to the alternate screen, hide the cursor, start from a blank screen. */
	enter(): void {
		if (this.#active) {
			return;
		}

		this.#active = true;
		this.#previous = [];
		this.#write(enterAlternate + hideCursor + noAutowrap + clearScreen);
	}

	/** Back to the normal screen, as it was, with the cursor. Safe to call more than once, and on a dead terminal. */
	leave(): void {
		if (!this.#active) {
			return;
		}

		this.#active = false;
		this.#write(resetStyle + autowrap + showCursor + leaveAlternate + (this.#paste ? pasteOff : ''));
		this.#paste = false;
	}

	/** Bracketed paste on or off (on while keys go to a process: a paste then arrives as one). */
	bracketedPaste(on: boolean): void {
		if (this.#active && on !== this.#paste) {
			this.#paste = on;
			this.#write(on ? pasteOn : pasteOff);
		}
	}

	/** Forget what is on screen (after a resize the terminal may have reflowed it): the next frame repaints everything. */
	invalidate(): void {
		this.#previous = [];
		if (this.#active) {
			this.#write(resetStyle + clearScreen);
		}
	}

	/** Show a frame: its rows, top to bottom; rows beyond it are cleared. */
	paint(frame: string): void {
		if (!this.#active) {
			return;
		}

		const height = this.#out.rows ?? 24;
		const lines = frame.split('\n');
		let out = '';
		const next: string[] = [];
		for (let row = 0; row < height; row++) {
			const line = lines[row] ?? '';
			next.push(line);
			if (line !== this.#previous[row]) {
				out += `\u001B[${row + 1};1H${resetStyle}\u001B[2K${line}${resetStyle}`;
			}
		}

		this.#previous = next;
		if (out !== '') {
			this.#write(beginSync + out + endSync);
		}
	}

	#write(data: string): void {
		try {
			this.#out.write(data);
		} catch {
			// The terminal is gone (SIGHUP, a closed SSH session): nothing left to paint on.
		}
	}
}
