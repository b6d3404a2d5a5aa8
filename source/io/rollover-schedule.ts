/**
When a TimedRotatingFileStream rolls over and how rotated files are named: Python's
TimedRotatingFileHandler (which Circus copies), in milliseconds but on whole seconds as
Python's `int(time.time())` is.

- `S`, `M`, `H`, `D`: every `interval` seconds/minutes/hours/days, counted from the file's
  last change (or from now for a new file).
- `MIDNIGHT`: at the next midnight, then every midnight.
- `W0`-`W6` (0 = Monday): at the midnight that ends that weekday, then weekly.

Python reaches midnight by adding seconds and then corrects for DST; here midnights come
from calendar arithmetic (`new Date(y, m, d + 1)`), which is DST-correct by construction.
The rotated file is named for the start of the period it holds (rollover time minus the
interval), with Circus's suffixes (digits only: `%Y%m%d%H%M%S` for `S` down to `%Y%m%d` for days
and weeks), which its `backup_count` also matches.
*/

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A parsed `rotate_when` with its interval. */
export type RolloverSchedule = {
	/** The `when` in upper case: `S`, `M`, `H`, `D`, `MIDNIGHT` or `W0`-`W6`. */
	readonly when: string;
	/** Length of one period in ms (unit x `rotate_interval`). */
	readonly interval: number;
	/** strftime format of the rotated file's suffix. */
	readonly suffix: string;
	/** Matches a suffix this schedule produces (to find old files to delete). */
	readonly suffixPattern: RegExp;
	/** Use UTC rather than local time for midnights and suffixes. */
	readonly utc: boolean;
};

type Unit = {
	readonly length: number;
	readonly suffix: string;
	readonly pattern: RegExp;
};

// Circus's own suffixes (circus/stream/file_stream.py), not Python logging's: `out.log.20250102030405`.
const DATE_PATTERN = /^\d{8}$/;

const UNITS: Readonly<Record<string, Unit>> = {
	S: {length: SECOND, suffix: '%Y%m%d%H%M%S', pattern: /^\d{14}$/},
	M: {length: MINUTE, suffix: '%Y%m%d%H%M', pattern: /^\d{12}$/},
	H: {length: HOUR, suffix: '%Y%m%d%H', pattern: /^\d{10}$/},
	D: {length: DAY, suffix: '%Y%m%d', pattern: DATE_PATTERN},
	MIDNIGHT: {length: DAY, suffix: '%Y%m%d', pattern: DATE_PATTERN},
};

const WEEK: Unit = {length: 7 * DAY, suffix: '%Y%m%d', pattern: DATE_PATTERN};

/** Parse `rotate_when` (any case) and `rotate_interval`. */
export function rolloverSchedule(when: string, interval: number, utc: boolean): RolloverSchedule {
	const upper = when.toUpperCase();
	const unit = /^W[0-6]$/.test(upper) ? WEEK : UNITS[upper];
	if (unit === undefined) {
		throw new TypeError(
			`Expected \`rotateWhen\` to be one of S, M, H, D, MIDNIGHT, W0-W6, got \`${when}\` (${typeof when})`,
		);
	}

	if (!Number.isSafeInteger(interval) || interval <= 0) {
		throw new TypeError(`Expected \`rotateInterval\` to be a positive integer, got \`${String(interval)}\` (${typeof interval})`);
	}

	return {when: upper, interval: unit.length * interval, suffix: unit.suffix, suffixPattern: unit.pattern, utc};
}

/** The first midnight after `time`, `extraDays` later. */
function midnightAfter(time: number, extraDays: number, utc: boolean): number {
	const date = new Date(time);
	if (utc) {
		return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1 + extraDays);
	}

	return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1 + extraDays).getTime();
}

/** Python's `computeRollover`: the first rollover after `time` (always later than `time`). */
export function nextRollover(schedule: RolloverSchedule, time: number): number {
	const now = Math.floor(time / SECOND) * SECOND;
	if (schedule.when === 'MIDNIGHT') {
		return midnightAfter(now, 0, schedule.utc);
	}

	if (schedule.when.startsWith('W')) {
		const date = new Date(now);
		const today = ((schedule.utc ? date.getUTCDay() : date.getDay()) + 6) % 7; // 0 = Monday
		const target = Number(schedule.when[1]);
		const wait = today <= target ? target - today : 6 - today + target + 1;
		return midnightAfter(now, wait, schedule.utc);
	}

	return now + schedule.interval;
}
