import type {Arbiter} from '../core/arbiter.js';
import {wholeNumber} from '../config/values.js';
import {CommandError} from '../core/errors.js';
import {stringProperty, type Handler} from './handler.js';
import {optionalProperty, pid as processId, property} from './request-values.js';
import {streamNotices, streamRows} from './views.js';

/** One line of output as `logs` and the `logs.<watcher>` events carry it. */
export type LogLine = {
	readonly watcher: string;
	readonly pid: number;
	/** Per process, increasing; a gap means lines were evicted or dropped. */
	readonly seq: number;
	/** ms since the epoch. */
	readonly time: number;
	/** Text with colours (SGR) kept, other control sequences removed. */
	readonly text: string;
	/** From stderr, when stderr has its own channel (pipe mode, or set apart from a PTY). */
	readonly stderr?: true;
};

/** Most lines one `logs` reply carries. */
const maxLogLines = 100_000;

function collect(arbiter: Arbiter, names: readonly string[], pid: number | undefined): LogLine[] {
	const lines: LogLine[] = [];
	for (const name of names) {
		const watcher = arbiter.get(name);
		const sources = [...watcher.finished, ...watcher.processes.values()];
		for (const source of sources) {
			if (pid !== undefined && source.pid !== pid) {
				continue;
			}

			for (const line of source.ring.lines()) {
				lines.push({watcher: watcher.name, pid: source.pid, seq: line.seq, time: line.time, text: line.text, ...(line.stderr ? {stderr: true} : {})});
			}
		}
	}

	// Stable: lines of one process keep their order; processes interleave by time.
	return lines.sort((a, b) => a.time - b.time);
}

/** The unfinished last lines (a prompt, a progress bar) of the running processes, each with the
seq its completed line will have. */
function partials(arbiter: Arbiter, names: readonly string[], pid: number | undefined): LogLine[] {
	const found: LogLine[] = [];
	for (const name of names) {
		const watcher = arbiter.get(name);
		for (const source of watcher.processes.values()) {
			const line = pid === undefined || source.pid === pid ? source.ring.pendingLine() : undefined;
			if (line !== undefined) {
				found.push({watcher: watcher.name, pid: source.pid, seq: line.seq, time: line.time, text: line.text});
			}
		}
	}

	return found;
}

/**
`logs [name] [pid] [lines]` (procui's): the last lines of the scrollback of a watcher, one of its
processes, or every watcher, interleaved by time. Includes recently finished processes.
*/
export const logsCommand: Handler = (arbiter, properties) => {
	const name = stringProperty(properties, 'name');
	const pid = optionalProperty(properties, 'pid', processId);
	// More than maxLogLines is not an error: the reply carries the last maxLogLines.
	const count = property(properties, 'lines', wholeNumber(0), 100);
	const names = name === undefined ? [...arbiter.watchers.keys()] : [arbiter.get(name).name];
	if (pid !== undefined && name !== undefined) {
		const watcher = arbiter.get(name);
		if (![...watcher.finished, ...watcher.processes.values()].some((source) => source.pid === pid)) {
			throw new CommandError(`process ${pid} not found in watcher ${watcher.name}`, 'message');
		}
	}

	const lines = collect(arbiter, names, pid);
	// What the stream files of these watchers dropped or lost: the scrollback has it, the files do not.
	const notices = streamNotices(streamRows(names.map((watcher) => arbiter.get(watcher))));
	return {lines: lines.slice(Math.max(0, lines.length - Math.min(count, maxLogLines))), notices, partials: partials(arbiter, names, pid)};
};

/** Most matches one `search` reply lists (the total counts them all). */
export const maxSearchMatches = 10_000;

/** Colours (the only escape sequences the ring keeps) out, for matching what a person reads. */
// eslint-disable-next-line no-control-regex -- SGR sequences are what is removed
const sgr = /\u001B\[[\d;:]*m/gu;

/**
`search {name?, pid?, query, limit?}` (procui's): the lines of the whole scrollback that contain
`query` (case-insensitive, colours ignored), newest first, each with `back`: how many lines of
the same source (the lines `logs` would return) are newer than it. So a viewer holding the last
2,000 lines finds line 5,000 of 10,000 without fetching the other 8,000 first. `partial` says
the scrollback no longer holds all the output: older lines were dropped from a process's ring
(procui.scrollback) or older processes' output is gone.
*/
export const searchCommand: Handler = (arbiter, properties) => {
	const name = stringProperty(properties, 'name');
	const pid = optionalProperty(properties, 'pid', processId);
	const query = stringProperty(properties, 'query', true);
	const limit = property(properties, 'limit', wholeNumber(1), 1000);
	const names = name === undefined ? [...arbiter.watchers.keys()] : [arbiter.get(name).name];
	const lines = collect(arbiter, names, pid);
	const needle = query.toLowerCase();
	const matches: Array<LogLine & {back: number}> = [];
	let total = 0;
	for (let index = lines.length - 1; index >= 0; index--) {
		const line = lines[index]!;
		if (line.text.replaceAll(sgr, '').toLowerCase().includes(needle)) {
			total++;
			if (matches.length < Math.min(limit, maxSearchMatches)) {
				matches.push({...line, back: lines.length - 1 - index});
			}
		}
	}

	const watchers = names.map((watcher) => arbiter.get(watcher));
	const rings = watchers.flatMap((watcher) => [...watcher.finished, ...watcher.processes.values()]).filter((source) => pid === undefined || source.pid === pid);
	const evicted = rings.some((source) => source.ring.firstSeq > 1);
	const finishedGone = pid === undefined && watchers.some((watcher) => watcher.finishedDropped > 0);
	return {total, matches, searched: lines.length, partial: evicted || finishedGone};
};
