/** How numbers read on screen: short, fixed-width friendly, the same in every pane. */

/** Bytes as 1024-based units with one decimal under 100: `512B`, `3.1M`, `1.25G`. */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes <= 0) {
		return '0B';
	}

	const units = ['B', 'K', 'M', 'G', 'T'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	if (unit === 0) {
		return `${Math.round(value)}B`;
	}

	return `${value >= 100 ? Math.round(value) : value >= 10 ? value.toFixed(1) : value.toFixed(2)}${units[unit]}`;
}

/** CPU percent (100 = one core): `0.4%`, `12%`, `250%`. */
export function formatPercent(percent: number): string {
	if (!Number.isFinite(percent) || percent <= 0) {
		return '0%';
	}

	return percent >= 10 ? `${Math.round(percent)}%` : `${percent.toFixed(1)}%`;
}

/** A duration in seconds: `42s`, `3m05s`, `2h04m`, `3d02h`. */
export function formatAge(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) {
		return '-';
	}

	const whole = Math.floor(seconds);
	if (whole < 60) {
		return `${whole}s`;
	}

	if (whole < 3600) {
		return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
	}

	if (whole < 86_400) {
		return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
	}

	return `${Math.floor(whole / 86_400)}d${String(Math.floor((whole % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** Circus's exit code (negative = killed by that signal): `exit 0`, `exit 1`, `SIGKILL`. */
export function formatExit(code: number, signalNames: Readonly<Record<number, string>>): string {
	if (code < 0) {
		return signalNames[-code] ?? `signal ${-code}`;
	}

	return `exit ${code}`;
}

/** A wall-clock time of day with milliseconds, for log timestamps: `14:03:07.123`. */
export function formatClock(ms: number): string {
	const date = new Date(ms);
	const pad = (value: number, length = 2): string => String(value).padStart(length, '0');
	return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A count with its noun: `1 watcher`, `3 watchers`. */
export function plural(count: number, noun: string): string {
	return `${count} ${count === 1 ? noun : noun.endsWith('s') ? `${noun}es` : `${noun}s`}`;
}
