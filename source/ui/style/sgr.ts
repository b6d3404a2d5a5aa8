/**
Styling text with SGR sequences directly, for text procui composes itself and hands to Ink
through <Rows> (see ../components/Rows.tsx): the same colours Ink's `color` props give.
*/

/** Foreground colours by Ink's names. */
const colors = {
	black: 30,
	red: 31,
	green: 32,
	yellow: 33,
	blue: 34,
	magenta: 35,
	cyan: 36,
	white: 37,
	gray: 90,
	redBright: 91,
	greenBright: 92,
	yellowBright: 93,
	blueBright: 94,
	magentaBright: 95,
	cyanBright: 96,
	whiteBright: 97,
} as const;

export type Color = keyof typeof colors;

export type Style = {
	readonly color?: Color;
	readonly bold?: boolean;
	readonly dim?: boolean;
	readonly inverse?: boolean;
	readonly underline?: boolean;
};

/** `text` in `style`, closed again at its end (so it composes inside other styles). */
export function paint(text: string, style: Style): string {
	if (text === '') {
		return '';
	}

	let open = '';
	let close = '';
	if (style.bold) {
		open += '\u001B[1m';
		close = '\u001B[22m' + close;
	} else if (style.dim) {
		open += '\u001B[2m';
		close = '\u001B[22m' + close;
	}

	if (style.underline) {
		open += '\u001B[4m';
		close = '\u001B[24m' + close;
	}

	if (style.inverse) {
		open += '\u001B[7m';
		close = '\u001B[27m' + close;
	}

	if (style.color !== undefined) {
		open += `\u001B[${colors[style.color]}m`;
		close = '\u001B[39m' + close;
	}

	return open + text + close;
}
