import os from 'node:os';

/**
Readers for option values, each as lenient as the Python function Circus uses (`to_bool`, `int`,
`float`, `to_signum`) and no more. A reader returns the value, or `undefined` when the text is
not one; `expected` says what was wanted, for the message.
*/
export type ValueReader<T> = {
	readonly read: (text: string) => T | undefined;
	/** Completes "expected ...": `a whole number ≥ 0`. */
	readonly expected: string;
};

const truthy = new Set(['1', 'yes', 'true', 'on']);
const falsy = new Set(['0', 'no', 'false', 'off']);

/** Circus's `to_bool`: 1/yes/true/on and 0/no/false/off, any case. */
export const boolean: ValueReader<boolean> = {
	read(text) {
		const word = text.trim().toLowerCase();
		return truthy.has(word) ? true : (falsy.has(word) ? false : undefined);
	},
	expected: 'true or false (also yes/no, on/off, 1/0)',
};

/** Python's `int()`: optional sign, digits, `_` between digits. */
export function wholeNumber(min?: number, max?: number): ValueReader<number> {
	return {
		read(text) {
			const trimmed = text.trim();
			if (!/^[+-]?\d+(?:_\d+)*$/.test(trimmed)) {
				return undefined;
			}

			const value = Number(trimmed.replaceAll('_', ''));
			return inRange(value, min, max) ? value : undefined;
		},
		expected: `a whole number${describeRange(min, max)}`,
	};
}

/** Python's `float()` for finite values: `5`, `0.5`, `.5`, `1e3`. `above`: `min` itself is not taken. */
export function decimalNumber(min?: number, options: {readonly above?: boolean; readonly max?: number} = {}): ValueReader<number> {
	const {above = false, max} = options;
	return {
		read(text) {
			const trimmed = text.trim();
			if (!/^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?$/.test(trimmed)) {
				return undefined;
			}

			const value = Number(trimmed.replaceAll('_', ''));
			if (!Number.isFinite(value) || (min !== undefined && (above ? value <= min : value < min)) || (max !== undefined && value > max)) {
				return undefined;
			}

			return value;
		},
		expected: `a number${min === undefined ? '' : ` ${above ? '>' : '≥'} ${min}`}${max === undefined ? '' : `${min === undefined ? '' : ' and'} ≤ ${max}`}`,
	};
}

/**
The longest a timer can wait, in seconds (2^31 - 1 ms, about 24.8 days): Node fires a longer
`setTimeout` at once, so a `graceful_timeout` above it would SIGKILL at once.
*/
export const maxSeconds = 2_147_483;

/** A duration in seconds that procui waits with a timer: ≥ 0 (or > 0 with `above`), at most `maxSeconds`. */
export function seconds(options: {readonly above?: boolean} = {}): ValueReader<number> {
	const reader = decimalNumber(0, {...options, max: maxSeconds});
	return {read: reader.read, expected: `a number of seconds ${options.above ? '> 0' : '≥ 0'}, at most ${maxSeconds} (24.8 days)`};
}

/**
The most processes one watcher may run. Each costs the supervisor two descriptors (a PTY pair or
two pipes), a scrollback buffer and a /proc sample per second; past this the supervisor would run
out of descriptors (RLIMIT_NOFILE) or the kernel of pids long before the count is reached, so a
larger number is a typo, refused up front rather than met as spawn failures.
*/
export const maxNumprocesses = 10_000;

/** `numprocesses`: 0 to `maxNumprocesses`. */
export const numprocesses: ValueReader<number> = wholeNumber(0, maxNumprocesses);

/** An octal mode such as `022` or `0o022`, as Circus's `int(umask, 8)` reads it. */
export const octal: ValueReader<number> = {
	read(text) {
		const match = /^(?:0o)?([0-7]+)$/i.exec(text.trim());
		return match ? Number.parseInt(match[1]!, 8) : undefined;
	},
	expected: 'an octal number such as 022',
};

/** glibc's real-time signal range on Linux (Python's `signal.SIGRTMIN` / `SIGRTMAX`). */
const realtimeMin = 34;
const realtimeMax = 64;

/**
Circus's `to_signum`: a number, or a name with or without `SIG` in any case (`term`, `SIGTERM`).
procui also takes `SIGRTMIN+n` and `SIGRTMAX-n`; Circus's `+n` on other names is not taken.
*/
export const signal: ValueReader<number> = {
	read(text) {
		const trimmed = text.trim();
		if (/^\d+$/.test(trimmed)) {
			const value = Number(trimmed);
			return value >= 1 && value <= realtimeMax ? value : undefined;
		}

		const match = /^(?:sig)?([a-z0-9]+)(?:([+-])(\d+))?$/i.exec(trimmed);
		if (!match) {
			return undefined;
		}

		const name = `SIG${match[1]!.toUpperCase()}`;
		const offset = match[3] === undefined ? 0 : Number(match[3]) * (match[2] === '-' ? -1 : 1);
		if (name === 'SIGRTMIN' || name === 'SIGRTMAX') {
			const value = (name === 'SIGRTMIN' ? realtimeMin : realtimeMax) + offset;
			return value >= realtimeMin && value <= realtimeMax ? value : undefined;
		}

		const signals = os.constants.signals as Readonly<Record<string, number | undefined>>;
		return offset === 0 ? signals[name] : undefined;
	},
	expected: 'a signal name or number such as SIGTERM, term or 15',
};

/** The conventional name of a signal number, for messages: 15 -> SIGTERM. */
export function signalName(signum: number): string {
	const entry = Object.entries(os.constants.signals).find(([, value]) => value === signum);
	return entry?.[0] ?? String(signum);
}

/** One of `choices`, compared without case; the result is the choice as spelled there. */
export function oneOf<T extends string>(choices: readonly T[]): ValueReader<T> {
	return {
		read(text) {
			const word = text.trim().toLowerCase();
			return choices.find(choice => choice.toLowerCase() === word);
		},
		expected: `one of ${choices.join(', ')}`,
	};
}

/**
A value that arrived as JSON (a control request's property), read by the same reader as the config
option it corresponds to, so that a request is held to the config's rules: a number, a string or a
boolean is read as its text; anything else (an object, a list, null) is not a value.
*/
export function readJsonValue<T>(value: unknown, reader: ValueReader<T>): T | undefined {
	if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' || typeof value === 'boolean') {
		return reader.read(String(value));
	}

	return undefined;
}

/** A JSON value for a message: `-3`, `"abc"`, `{"a":1}` (strings quoted, control characters escaped). */
export function showJsonValue(value: unknown): string {
	return typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
	return Number.isSafeInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
}

function describeRange(min: number | undefined, max: number | undefined): string {
	if (min !== undefined && max !== undefined) {
		return ` from ${min} to ${max}`;
	}

	if (min !== undefined) {
		return ` ≥ ${min}`;
	}

	return max === undefined ? '' : ` ≤ ${max}`;
}
