/**
The part of Python's `strftime` that Circus's `time_format` and the rotated-file suffixes use.

Directives: `%Y %m %d %H %M %S %f %y %b %a %j %z %Z %%`, with Python's meanings in the C
locale (`%f` is microseconds, six digits, as `datetime.strftime` gives it). Any other
`%x` is copied unchanged, as glibc does for a directive it does not know. Widths, flags
(`%-d`) and locale names are deliberately left out.
*/

/** How to turn a time into fields. */
type StrftimeOptions = {
	/** Use UTC instead of the local time zone. Default false. */
	readonly utc?: boolean;
};

/** A compiled format: ms since the epoch (fractions allowed, for `%f`) to text. */
export type TimeFormatter = (time: number) => string;

type Fields = {
	readonly date: Date;
	readonly time: number;
	readonly utc: boolean;
};

type Part = string | ((fields: Fields) => string);

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MS_PER_DAY = 86_400_000;

let zoneNames: Intl.DateTimeFormat | undefined;

function pad(value: number, width: number): string {
	return String(value).padStart(width, '0');
}

function year(f: Fields): number {
	return f.utc ? f.date.getUTCFullYear() : f.date.getFullYear();
}

function month(f: Fields): number {
	return f.utc ? f.date.getUTCMonth() : f.date.getMonth();
}

function day(f: Fields): number {
	return f.utc ? f.date.getUTCDate() : f.date.getDate();
}

function zoneOffset(f: Fields): string {
	const minutes = f.utc ? 0 : -f.date.getTimezoneOffset();
	const sign = minutes < 0 ? '-' : '+';
	const absolute = Math.abs(minutes);
	return `${sign}${pad(Math.floor(absolute / 60), 2)}${pad(absolute % 60, 2)}`;
}

function zoneName(f: Fields): string {
	if (f.utc) {
		return 'UTC';
	}

	zoneNames ??= new Intl.DateTimeFormat('en-US', {timeZoneName: 'short'});
	return zoneNames.formatToParts(f.date).find(part => part.type === 'timeZoneName')?.value ?? '';
}

const DIRECTIVES: Readonly<Record<string, (f: Fields) => string>> = {
	Y: f => String(year(f)),
	y: f => pad(year(f) % 100, 2),
	m: f => pad(month(f) + 1, 2),
	d: f => pad(day(f), 2),
	H: f => pad(f.utc ? f.date.getUTCHours() : f.date.getHours(), 2),
	M: f => pad(f.utc ? f.date.getUTCMinutes() : f.date.getMinutes(), 2),
	S: f => pad(f.utc ? f.date.getUTCSeconds() : f.date.getSeconds(), 2),
	f: f => pad(Math.floor((((f.time % 1000) + 1000) % 1000) * 1000), 6),
	b: f => MONTH_NAMES[month(f)]!,
	a: f => DAY_NAMES[f.utc ? f.date.getUTCDay() : f.date.getDay()]!,
	// Calendar arithmetic in UTC so that a DST change cannot shift the count.
	j: f => pad((Date.UTC(year(f), month(f), day(f)) - Date.UTC(year(f), 0, 1)) / MS_PER_DAY + 1, 3),
	z: zoneOffset,
	Z: zoneName,
	'%': () => '%',
};

function parse(format: string): readonly Part[] {
	const parts: Part[] = [];
	let literal = '';
	for (let i = 0; i < format.length; i++) {
		const char = format[i]!;
		const directive = char === '%' ? DIRECTIVES[format[i + 1] ?? ''] : undefined;
		if (directive === undefined) {
			literal += char;
			continue;
		}

		if (literal.length > 0) {
			parts.push(literal);
			literal = '';
		}

		parts.push(directive);
		i++;
	}

	if (literal.length > 0) {
		parts.push(literal);
	}

	return parts;
}

/** Compile `format` once, for a formatter called on every write. */
export function compileStrftime(format: string, options: StrftimeOptions = {}): TimeFormatter {
	const parts = parse(format);
	const utc = options.utc ?? false;
	return time => {
		const fields: Fields = {date: new Date(time), time, utc};
		let text = '';
		for (const part of parts) {
			text += typeof part === 'string' ? part : part(fields);
		}

		return text;
	};
}

/** Format one time (ms since the epoch, or a Date) like Python's `strftime`. */
export function strftime(format: string, time: number | Date, options: StrftimeOptions = {}): string {
	return compileStrftime(format, options)(typeof time === 'number' ? time : time.getTime());
}

/** Whether a format's text can change within one second (it has `%f`). */
export function hasSubsecondField(format: string): boolean {
	return parse(format).includes(DIRECTIVES.f!);
}
