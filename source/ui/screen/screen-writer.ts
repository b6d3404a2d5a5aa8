/**
Paints frames on the terminal's alternate screen, row by row at absolute positions, writing only
the rows that changed since the last frame, inside a synchronized update (DEC mode 2026, which
terminals that lack it ignore).

Why not Ink's own writer: a frame as tall as the terminal makes Ink clear the whole screen and
redraw every frame (its "fullscreen" path), which flickers over SSH and in tmux; a frame one row
shorter leaves a dead row and scrolls if anything writes a newline. Ink renders procui's tree to
text in debug mode (see frame-sink.ts) and this paints it.
*/
import {mouseOff, mouseOn} from '../input/mouse.js';
import {osc52} from './clipboard.js';

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

export type ScreenWriterOptions = {
	/** Ask the terminal for mouse reports while the screen is up (off with `--no-mouse`). */
	readonly mouse?: boolean;
};

export class ScreenWriter {
	readonly #out: TerminalOutput;
	#previous: string[] = [];
	#active = false;
	#paste = false;
	#mouse: boolean;

	constructor(out: TerminalOutput, options: ScreenWriterOptions = {}) {
		this.#out = out;
		this.#mouse = options.mouse ?? false;
	}

	get active(): boolean {
		return this.#active;
	}

	/** Switch to the alternate screen, hide the cursor, start from a blank screen; mouse reports on if asked for. */
	enter(): void {
		if (this.#active) {
			return;
		}

		this.#active = true;
		this.#previous = [];
		this.#write(enterAlternate + hideCursor + noAutowrap + clearScreen + (this.#mouse ? mouseOn : ''));
	}

	/**
	Back to the normal screen, as it was, with the cursor, and mouse reports off. Every way out
	passes here (quit, detach, a signal, a crash: see run-ui.tsx). Safe to call more than once, and
	on a dead terminal.
	*/
	leave(): void {
		if (!this.#active) {
			return;
		}

		this.#active = false;
		this.#write((this.#mouse ? mouseOff : '') + resetStyle + autowrap + showCursor + leaveAlternate + (this.#paste ? pasteOff : ''));
		this.#paste = false;
	}

	/** Mouse reports on or off from now on (a screen drawn before the UI that takes them). */
	setMouse(on: boolean): void {
		if (on === this.#mouse) {
			return;
		}

		this.#mouse = on;
		if (this.#active) {
			this.#write(on ? mouseOn : mouseOff);
		}
	}

	/** Bracketed paste on or off (on while keys go to a process: a paste then arrives as one). */
	bracketedPaste(on: boolean): void {
		if (this.#active && on !== this.#paste) {
			this.#paste = on;
			this.#write(on ? pasteOn : pasteOff);
		}
	}

	/** Put text on the system clipboard through the terminal (OSC 52; see clipboard.ts). */
	clipboard(text: string, env: NodeJS.ProcessEnv = process.env): void {
		if (this.#active) {
			this.#write(osc52(text, env));
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
