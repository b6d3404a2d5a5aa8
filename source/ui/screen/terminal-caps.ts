/**
What the terminal can show, from the environment, decided once at start: colours (off with
NO_COLOR, https://no-color.org, or FORCE_COLOR=0) and Unicode (off in a locale whose character
set is not UTF-8, such as LANG=C). With no locale set at all, UTF-8 is assumed: that is what
terminals use today, and a container without LANG is not a choice of ASCII.
*/

export type TerminalCaps = {
	/** Colour codes may be written; without, highlights are reverse video and underline only. */
	readonly color: boolean;
	/** Box drawing, braille and symbols may be written; without, ASCII only. */
	readonly unicode: boolean;
};

export const fullCaps: TerminalCaps = {color: true, unicode: true};

type Environment = Readonly<Record<string, string | undefined>>;

export function detectCaps(env: Environment): TerminalCaps {
	const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
	const forceOff = env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false';
	// The locale that decides the character set: the first of these that is set (POSIX order).
	const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((value) => value !== undefined && value !== '');
	return {
		color: !noColor && !forceOff,
		unicode: locale === undefined || /utf-?8/iu.test(locale),
	};
}

/** TERM=dumb: a terminal that cannot move the cursor, so no full screen. */
export function isDumbTerminal(env: Environment): boolean {
	return env.TERM === 'dumb';
}

let current: TerminalCaps = fullCaps;

/** Set once, before the UI is drawn (and by tests). */
export function setTerminalCaps(caps: TerminalCaps): void {
	current = caps;
}

/** What the terminal the UI draws on can show. */
export function terminalCaps(): TerminalCaps {
	return current;
}
