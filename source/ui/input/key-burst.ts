/**
One input event as the keys it holds. Ink reads the terminal in chunks and hands over a chunk of
plain characters as one "input" (`nnnnn`, `abc` then Ctrl-U, text then Tab or Enter): typed
faster than a read, under load, through tmux `send-keys` or a paste. Each of those characters is
a key of its own and is handled as one, in order, so that `nnnnn` moves five matches and the
Ctrl-U after `abc` clears it. Escape sequences (arrows, Esc) never share an event with other
keys: Ink's input parser splits them off before this sees them.
*/
import type {Key} from 'ink';

type KeyPress = {readonly input: string; readonly key: Key};

const plainKey = (key: Key): Key => ({
	...key,
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
});

/** One character as Ink would have reported it alone. */
function keyOf(char: string, base: Key): KeyPress {
	const code = char.codePointAt(0)!;
	switch (char) {
		case '\r':
		case '\n': {
			return {input: '', key: {...base, return: true}};
		}

		case '\t': {
			return {input: '', key: {...base, tab: true}};
		}

		case '\u007F': {
			return {input: '', key: {...base, delete: true}};
		}

		case '\b': {
			return {input: '', key: {...base, backspace: true}};
		}

		default: {
			if (code >= 1 && code <= 26) {
				// Ctrl-A … Ctrl-Z arrive as 0x01 … 0x1A; Ink names them by their letter.
				return {input: String.fromCodePoint(code + 96), key: {...base, ctrl: true}};
			}

			return {input: char, key: {...base, shift: /^[A-Z]$/u.test(char)}};
		}
	}
}

/** The keys of one input event, in order: the event itself when it is one key. */
export function splitBurst(input: string, key: Key): KeyPress[] {
	const chars = [...input];
	if (chars.length <= 1 || key.meta || key.ctrl || input.includes('\u001B')) {
		return [{input, key}];
	}

	const base = plainKey(key);
	return chars.map((char) => keyOf(char, base));
}
