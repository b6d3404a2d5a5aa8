/**
Mouse reports in the terminal's input, taken out before the keys are parsed. procui turns on
xterm's mouse reporting (mode 1000, button presses and the wheel) in its SGR form (mode 1006):
`ESC [ < Cb ; Cx ; Cy M` for a press, `m` for a release. A terminal that lacks SGR sends the old
X10 form, `ESC [ M` and three bytes; that one is recognised too, because Ink would otherwise read
its three bytes as keys (`x` stops a watcher).

A report can be cut between two reads (a busy machine, SSH, tmux): the filter holds a tail that
may be the start of one until the next read completes or refutes it. A lone Esc (or `ESC [`) at
the end of a read is held too, briefly: the stream that uses the filter lets it go after a short
wait (`flush`), so the Esc key still arrives.
*/

export type MouseEvent = {
	/** A button went down or up, the pointer moved with a button held, or the wheel turned a notch. */
	readonly kind: 'press' | 'release' | 'drag' | 'wheel';
	readonly button: 'left' | 'middle' | 'right' | 'none';
	/** For the wheel: -1 up (away from the user), 1 down; 0 otherwise. */
	readonly wheel: -1 | 0 | 1;
	/** Cell, from 0 at the top left. */
	readonly x: number;
	readonly y: number;
	readonly shift: boolean;
	readonly meta: boolean;
	readonly ctrl: boolean;
};

/** Where mouse events come from (run-ui.tsx's MouseStdin), for the App to listen to. */
export type MouseEvents = {
	subscribe(listener: (event: MouseEvent) => void): () => void;
};

/** Mouse reporting on: presses, releases and the wheel (1000), in SGR form (1006). */
export const mouseOn = '\u001B[?1000h\u001B[?1006h';
/** And off again, in the reverse order. */
export const mouseOff = '\u001B[?1006l\u001B[?1000l';

const buttons = ['left', 'middle', 'right', 'none'] as const;

/** The event a button code (Cb) describes, at a 1-based cell. */
function decode(code: number, column: number, row: number, released: boolean): MouseEvent | undefined {
	if (column < 1 || row < 1) {
		return undefined;
	}

	const modifiers = {shift: (code & 4) !== 0, meta: (code & 8) !== 0, ctrl: (code & 16) !== 0};
	const position = {x: column - 1, y: row - 1};
	if ((code & 64) !== 0) {
		// 64 and 65: the wheel up and down; 66 and 67 (sideways) are not used.
		const low = code & 3;
		return low > 1 ? undefined : {kind: 'wheel', button: 'none', wheel: low === 0 ? -1 : 1, ...position, ...modifiers};
	}

	const button = buttons[code & 3]!;
	const kind = (code & 32) === 0 ? (released || button === 'none' ? 'release' : 'press') : 'drag';
	return {kind, button, wheel: 0, ...position, ...modifiers};
}

// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const sgrReport = /^\u001B\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])/u;
/** A tail that a complete SGR report may continue. */
// eslint-disable-next-line no-control-regex -- as above
const sgrStart = /^\u001B\[<[\d;]*$/u;

/** What a read held: the text for the key parser, and the mouse events, in order of arrival. */
export type FilteredInput = {
	readonly text: string;
	readonly events: readonly MouseEvent[];
	/**
	A lone Esc held from the read before, which this read did not continue: the Esc key, to be
	read on its own before `text` (together, `ESC q` would read as Alt-q).
	*/
	readonly escape?: string;
};

export class MouseFilter {
	#held = '';

	/** Is a tail held back (to be completed by the next read, or let go by `flush`)? */
	get holding(): boolean {
		return this.#held !== '';
	}

	/** Take the mouse reports out of a read. */
	push(chunk: string): FilteredInput {
		if (this.#held === '\u001B' && chunk !== '' && !chunk.startsWith('[')) {
			this.#held = '';
			return {...this.push(chunk), escape: '\u001B'};
		}

		const input = this.#held + chunk;
		this.#held = '';
		const events: MouseEvent[] = [];
		let text = '';
		let index = 0;
		while (index < input.length) {
			const escape = input.indexOf('\u001B', index);
			if (escape === -1) {
				text += input.slice(index);
				break;
			}

			text += input.slice(index, escape);
			const rest = input.slice(escape);
			const sgr = sgrReport.exec(rest);
			if (sgr !== null) {
				const event = decode(Number(sgr[1]), Number(sgr[2]), Number(sgr[3]), sgr[4] === 'm');
				if (event !== undefined) {
					events.push(event);
				}

				index = escape + sgr[0].length;
				continue;
			}

			if (rest.startsWith('\u001B[M')) {
				if (rest.length < 6) {
					this.#held = rest;
					break;
				}

				// X10: each byte is its value plus 32.
				const event = decode(rest.codePointAt(3)! - 32, rest.codePointAt(4)! - 32, rest.codePointAt(5)! - 32, false);
				if (event !== undefined) {
					events.push(event);
				}

				index = escape + 6;
				continue;
			}

			if (rest === '\u001B' || rest === '\u001B[' || sgrStart.test(rest)) {
				this.#held = rest;
				break;
			}

			text += '\u001B';
			index = escape + 1;
		}

		return {text, events};
	}

	/**
	Let go of what is held, after a wait in which nothing completed it: a lone Esc (or `ESC [`, an
	X10 start) goes on as typed; the start of an SGR report, which no key sends, is dropped.
	*/
	flush(): string {
		const held = this.#held;
		this.#held = '';
		return held.startsWith('\u001B[<') ? '' : held;
	}
}
