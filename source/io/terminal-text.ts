/**
Makes a child's output safe to draw inside a TUI: a stored line stays one line, and
nothing in it can move the cursor, clear the screen or retitle the terminal.

Kept:
- printable text and tab;
- SGR sequences, `ESC [` digits/`;`/`:` `m` (colour, bold, underline, reset), which a
  view can render or strip.

Line endings and carriage returns:
- `\r\n` (what a PTY sends for every newline), and any run of `\r` before `\n` or before
  the end of the text, is dropped: the line ends there anyway.
- A lone `\r` inside a line means "back to column 0": progress bars redraw themselves
  that way, so only the text after the last `\r` is kept (`10%\r20%\r30%` -> `30%`). A
  terminal would still show the tail of a longer earlier text behind a shorter later one;
  progress bars redraw their whole width, so the last frame is what they mean.

Removed:
- every other CSI sequence (`ESC [` ... final byte): cursor movement, erase in line or
  display, scroll regions, mode set/reset, device queries;
- OSC strings (`ESC ]` ... BEL or `ESC \`): window titles, clipboard, the target of an
  OSC 8 hyperlink (its visible text stays);
- DCS, SOS, PM and APC strings (`ESC P`, `ESC X`, `ESC ^`, `ESC _` ... `ESC \`);
- other escapes (`ESC 7`, `ESC 8`, `ESC =`, `ESC (B` ...), and a lone or unfinished ESC;
- every other C0 control (BEL, backspace, form feed, ...), DEL, and the C1 controls
  U+0080-U+009F.

No sequence is allowed to span a newline: the text is cleaned a block of whole lines at a
time, and an escape cut off by the end of a line is removed rather than joined to the next.
*/

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_CLEANING = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_OR_NEWLINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

const TRAILING_CR = /\r+(?=\n|$)/g;

const BEFORE_LAST_CR = /^[^\n]*\r/gm;

// Group 1 is an SGR sequence (kept, through `$1`); every other alternative is removed.
const SEQUENCES =
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	/(\x1b\[[0-9;:]*m)|\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Clean a block of whole lines separated by `\n` (see the module comment for what stays). */
export function cleanTerminalText(text: string): string {
	// The commonest text by far, one line as a PTY sends it: text, then `\r`. Its trailing `\r`s
	// go without a regular expression, and the rest is the answer when it holds no control and no
	// newline (100,000 flood lines: 7 ms, where the expressions below took 39).
	let end = text.length;
	while (end > 0 && text.charCodeAt(end - 1) === 13) {
		end--;
	}

	if (end < text.length) {
		const line = text.slice(0, end);
		if (!CONTROL_OR_NEWLINE.test(line)) {
			return line;
		}
	}

	if (!NEEDS_CLEANING.test(text)) {
		return text;
	}

	let clean = text;
	if (clean.includes('\r')) {
		clean = clean.replace(TRAILING_CR, '');
		if (clean.includes('\r')) {
			clean = clean.replace(BEFORE_LAST_CR, '');
		}
	}

	return clean.replace(SEQUENCES, '$1');
}
