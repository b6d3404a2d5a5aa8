import {quote, type IssueList} from './issues.js';
import {resolveConfigPath, type PathBase} from './relative-path.js';
import type {SectionReader} from './section-reader.js';
import type {StreamClass, StreamConfig, WatcherConfig} from './types.js';
import {boolean, oneOf, wholeNumber} from './values.js';

/** The stream classes procui has; `NullStream` is procui's (output kept in memory only). */
const streamClasses: readonly StreamClass[] = [
	'FileStream',
	'TimedRotatingFileStream',
	'WatchedFileStream',
	'StdoutStream',
	'FancyStdoutStream',
	'NullStream',
];

/** Which `*_stream.<option>` each class takes (circus/stream: the constructors' arguments). */
const optionsOf: Readonly<Record<StreamClass, readonly string[]>> = {
	FileStream: ['filename', 'max_bytes', 'backup_count', 'time_format'],
	WatchedFileStream: ['filename', 'time_format'],
	TimedRotatingFileStream: ['filename', 'backup_count', 'time_format', 'rotate_when', 'rotate_interval', 'utc'],
	StdoutStream: [],
	FancyStdoutStream: ['color', 'time_format'],
	NullStream: [],
};

const allOptions = new Set(['class', ...Object.values(optionsOf).flat()]);
const fileClasses = new Set<StreamClass>(['FileStream', 'WatchedFileStream', 'TimedRotatingFileStream']);

/** FancyStdoutStream's colours; without one (or with another) Circus picks one at random. */
const colors = ['red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/** Circus's FancyStdoutStream time format when none is given. */
const fancyTimeFormat = '%Y-%m-%d %H:%M:%S';

const rotateWhen = /^(?:S|M|H|D|MIDNIGHT|W[0-6])$/;

/**
Read `stdout_stream.*` or `stderr_stream.*` (`prefix` without the dot) into a StreamConfig, or
undefined when the watcher has none. As in Circus's `get_stream`: `class` may carry the
`circus.stream.` module path; without `class`, `filename` means FileStream; numbers are coerced.
procui also accepts class names and `rotate_when` in any case. A Python class from another
module cannot be loaded: warned about, and the stream is left out.
*/
export function readStream(prefix: string, reader: SectionReader, base: PathBase, issues: IssueList): StreamConfig | undefined {
	const entries = reader.section.entries.filter(entry => entry.key.startsWith(`${prefix}.`));
	if (entries.length === 0) {
		return undefined;
	}

	const key = (option: string): string => `${prefix}.${option}`;
	for (const entry of entries) {
		reader.use(entry.key);
		const option = entry.key.slice(prefix.length + 1);
		if (!allOptions.has(option)) {
			issues.warn(entry.origin, `${entry.key}: unknown stream option (known: ${[...allOptions].join(', ')}); ignored`);
		}
	}

	const classEntry = reader.entry(key('class'));
	let streamClass: StreamClass;
	if (classEntry === undefined) {
		if (reader.entry(key('filename')) === undefined) {
			issues.error(entries[0]!.origin, `${prefix}: needs \`${key('class')}\` or \`${key('filename')}\``);
			return undefined;
		}

		streamClass = 'FileStream';
	} else {
		const written = reader.substitute(classEntry).trim();
		const isCircus = /^circus\.stream\.(?:[\w]+\.)*/i.test(written);
		const name = isCircus ? written.slice(written.lastIndexOf('.') + 1) : written;
		if (!isCircus && name.includes('.')) {
			issues.warn(classEntry.origin, `${classEntry.key}: ${quote(written)} is a Python class; procui cannot load it, so this stream is left out (procui has ${streamClasses.join(', ')})`);
			return undefined;
		}

		const known = oneOf(streamClasses).read(name);
		if (known === undefined) {
			issues.error(classEntry.origin, `${classEntry.key}: expected one of ${streamClasses.join(', ')}, got ${quote(written)}`);
			return undefined;
		}

		streamClass = known;
	}

	for (const entry of entries) {
		const option = entry.key.slice(prefix.length + 1);
		if (option !== 'class' && allOptions.has(option) && !optionsOf[streamClass].includes(option)) {
			issues.warn(entry.origin, `${entry.key}: has no effect with ${streamClass}; ignored`);
		}
	}

	const filenameText = reader.text(key('filename'));
	const filename = filenameText === undefined || filenameText.trim() === '' ? undefined : resolveConfigPath(filenameText.trim(), 'file', base, {origin: reader.originOf(key('filename')), key: key('filename')}, issues);
	if (fileClasses.has(streamClass) && filename === undefined) {
		// Circus opens a temporary file of its own (tempfile.mkstemp) that nothing names: the config
		// runs, and what it would have written is kept in the scrollback instead.
		issues.warn(reader.originOf(key('class')), `${prefix}: ${streamClass} without \`${key('filename')}\`: Circus writes it to an unnamed temporary file; procui leaves this stream out (its output stays in the scrollback: procui logs)`);
		return undefined;
	}

	const when = readRotateWhen(key('rotate_when'), reader, issues);
	if (streamClass === 'TimedRotatingFileStream' && when === undefined && reader.entry(key('rotate_when')) === undefined) {
		issues.error(reader.originOf(key('class')), `${prefix}: TimedRotatingFileStream needs \`${key('rotate_when')}\` (S, M, H, D, MIDNIGHT or W0-W6)`);
	}

	const color = reader.text(key('color'))?.trim().toLowerCase();
	if (color !== undefined && !colors.includes(color)) {
		issues.warn(reader.originOf(key('color')), `${key('color')}: expected one of ${colors.join(', ')}, got ${quote(color)}; a colour is picked at random, as Circus does`);
	}

	const timeFormat = reader.text(key('time_format'));
	return {
		class: streamClass,
		...(filename === undefined ? {} : {filename}),
		maxBytes: reader.read(key('max_bytes'), wholeNumber(0), 0),
		backupCount: reader.read(key('backup_count'), wholeNumber(0), 0),
		...(timeFormat === undefined || timeFormat === ''
			? (streamClass === 'FancyStdoutStream' ? {timeFormat: fancyTimeFormat} : {})
			: {timeFormat}),
		...(when === undefined ? {} : {rotateWhen: when}),
		rotateInterval: reader.read(key('rotate_interval'), wholeNumber(1), 1),
		utc: reader.read(key('utc'), boolean, false),
		...(color !== undefined && colors.includes(color) ? {color} : {}),
	};
}

function readRotateWhen(key: string, reader: SectionReader, issues: IssueList): string | undefined {
	const entry = reader.entry(key);
	if (entry === undefined) {
		return undefined;
	}

	const value = reader.substitute(entry).trim().toUpperCase();
	if (!rotateWhen.test(value)) {
		issues.error(entry.origin, `${key}: expected S, M, H, D, MIDNIGHT or W0-W6 (any case), got ${quote(reader.substitute(entry))}`);
		return undefined;
	}

	return value;
}

/**
With a PTY (procui's default) stdout is the terminal; stderr gets a pipe of its own whenever the
watcher sends the two to different places (one stream set and not the other, or two that differ),
so each file gets what it got under Circus: there a stream that is not set is not read at all, so
a `stdout_stream` alone never holds stderr. A child then sees a terminal on stdout and stdin and a
pipe on stderr (`isatty(2)` is false). With neither set, both stay on the terminal.
*/
export function stderrApart(watcher: Pick<WatcherConfig, 'pty' | 'stdoutStream' | 'stderrStream'>): boolean {
	const {stdoutStream: out, stderrStream: error} = watcher;
	if (!watcher.pty || (out === undefined && error === undefined)) {
		return false;
	}

	return out === undefined || error === undefined || out.class !== error.class || out.filename !== error.filename;
}
