/**
The log pane's client-side scrollback: the lines of the current source (a watcher, a process, all
of them), bounded, with a marker wherever lines went missing for this viewer. Indices are
absolute (they keep counting across evictions), so a scrolled-back view stays on its line while
new lines arrive and old ones fall off the top.
*/
import {stripAnsi} from '../text/ansi-text.js';

/** One line as the supervisor sends it (the `logs` reply, a `logs.<watcher>` event). */
export type IncomingLine = {
	/** Per process, increasing; a gap means lines were lost. */
	readonly seq: number;
	/** Milliseconds since the epoch. */
	readonly time: number;
	/** Text with its SGR colours. */
	readonly text: string;
	/** Written to stderr (when the supervisor could tell it apart). */
	readonly stderr?: true;
};

/** A line of output in the buffer. */
type OutputEntry = {
	readonly kind: 'line';
	readonly watcher: string;
	readonly pid: number;
	readonly seq: number;
	readonly time: number;
	readonly text: string;
	/** Written to stderr: marked in the view. */
	readonly stderr?: true;
	/** The text without colours, computed when first needed. */
	plain?: string;
	/** The plain text lower-cased, for case-insensitive search. */
	folded?: string;
};

/** A visible marker: lines this viewer did not get. */
type GapEntry = {
	readonly kind: 'gap';
	/** How many lines (or, for `events`, events) are missing. */
	readonly count: number;
	/** `lines`: a hole in one process's sequence numbers; `events`: the supervisor dropped events for this slow viewer. */
	readonly unit: 'lines' | 'events';
	readonly time: number;
	/** The process with the hole, for `lines`. */
	readonly watcher?: string;
	readonly pid?: number;
};

export type LogEntry = OutputEntry | GapEntry;

/** A line as the buffer holds it (no spread: a flood makes thousands a second). */
function outputEntry(watcher: string, pid: number, line: IncomingLine): OutputEntry {
	return line.stderr
		? {kind: 'line', watcher, pid, seq: line.seq, time: line.time, text: line.text, stderr: true}
		: {kind: 'line', watcher, pid, seq: line.seq, time: line.time, text: line.text};
}

/** What a marker says: "┄┄ 3 lines missing from web 7 ┄┄". */
export function gapText(entry: GapEntry): string {
	const what = entry.unit === 'events'
		? `${entry.count} event${entry.count === 1 ? '' : 's'} dropped for this viewer (it fell behind)`
		: `${entry.count} line${entry.count === 1 ? '' : 's'} missing${entry.watcher === undefined ? '' : ` from ${entry.watcher} ${entry.pid}`}`;
	return `┄┄ ${what} ┄┄`;
}

/** The plain (colourless) text of an entry, cached; a marker's is its message, so that search finds it. */
export function plainText(entry: LogEntry): string {
	if (entry.kind === 'gap') {
		return gapText(entry);
	}

	entry.plain ??= stripAnsi(entry.text);
	return entry.plain;
}

/** The plain text lower-cased, cached. */
export function foldedText(entry: LogEntry): string {
	if (entry.kind === 'gap') {
		return gapText(entry).toLowerCase();
	}

	entry.folded ??= plainText(entry).toLowerCase();
	return entry.folded;
}

type FullLine = IncomingLine & {readonly watcher: string; readonly pid: number};

export class LogBuffer {
	/** Most entries kept; older ones are evicted. */
	readonly capacity: number;
	#entries: LogEntry[] = [];
	/** Entries evicted since the last reset: absolute index = #base + position in #entries. */
	#base = 0;
	readonly #lastSeq = new Map<number, number>();
	/** Per process, its unfinished last line (a prompt, a progress bar), shown after every held line
	until the line with its seq arrives. Not counted in `capacity`: one per process. */
	readonly #partials = new Map<number, OutputEntry>();
	/** Bumped on every change, so views know when to recompute. */
	version = 0;

	constructor(capacity = 50_000) {
		this.capacity = capacity;
	}

	/** Absolute index of the first entry still held. */
	get start(): number {
		return this.#base;
	}

	/** Absolute index after the last entry (the unfinished lines count: they are shown last). */
	get end(): number {
		return this.#base + this.#entries.length + this.#partials.size;
	}

	get size(): number {
		return this.#entries.length + this.#partials.size;
	}

	/** The entry at an absolute index, if still held. */
	at(index: number): LogEntry | undefined {
		const position = index - this.#base;
		if (position < this.#entries.length || this.#partials.size === 0) {
			return this.#entries[position];
		}

		let rest = position - this.#entries.length;
		for (const partial of this.#partials.values()) {
			if (rest === 0) {
				return partial;
			}

			rest--;
		}

		return undefined;
	}

	/** Forget everything (a new source). */
	clear(): void {
		this.#entries = [];
		this.#base = 0;
		this.#lastSeq.clear();
		this.#partials.clear();
		this.version++;
	}

	/** Replace the content with a `logs` reply (already in time order), and its unfinished lines. */
	reset(lines: readonly FullLine[], partials: readonly FullLine[] = []): void {
		this.clear();
		for (const line of lines) {
			this.#add(line.watcher, line.pid, line);
		}

		for (const partial of partials) {
			this.setPartial(partial.watcher, partial.pid, partial);
		}

		this.#evict();
	}

	/**
	A process's unfinished last line as it stands now (undefined: it has none). It carries the seq
	its completed line will have; it is dropped when that line (or a later one) arrives, so the
	line is never shown twice.
	*/
	setPartial(watcher: string, pid: number, line: IncomingLine | undefined): void {
		const old = this.#partials.get(pid);
		if (line === undefined || line.text === '' || line.seq <= (this.#lastSeq.get(pid) ?? 0)) {
			if (old !== undefined) {
				this.#partials.delete(pid);
				this.version++;
			}

			return;
		}

		if (old?.text === line.text && old.seq === line.seq) {
			return;
		}

		// Re-inserted: the process that wrote last is shown last.
		this.#partials.delete(pid);
		this.#partials.set(pid, {kind: 'line', watcher, pid, seq: line.seq, time: line.time, text: line.text});
		this.version++;
	}

	/**
	Older lines, from a larger `logs` reply that also holds the lines already here: only those older
	than what is held are added, above it. Absolute indices of the lines held do not change.
	*/
	prepend(lines: readonly FullLine[]): number {
		const oldest = new Map<number, number>();
		let oldestTime = Number.POSITIVE_INFINITY;
		for (const entry of this.#entries) {
			if (entry.kind === 'line') {
				oldestTime = Math.min(oldestTime, entry.time);
				if (!oldest.has(entry.pid)) {
					oldest.set(entry.pid, entry.seq);
				}
			}
		}

		const older: LogEntry[] = [];
		for (const line of lines) {
			const first = oldest.get(line.pid);
			if (first === undefined ? line.time < oldestTime : line.seq < first) {
				older.push({kind: 'line', watcher: line.watcher, pid: line.pid, seq: line.seq, time: line.time, text: line.text});
				if (first === undefined) {
					this.#lastSeq.set(line.pid, Math.max(line.seq, this.#lastSeq.get(line.pid) ?? 0));
				}
			}
		}

		const room = Math.max(0, this.capacity - this.#entries.length);
		const added = older.slice(Math.max(0, older.length - room));
		if (added.length > 0) {
			this.#entries = [...added, ...this.#entries];
			this.#base -= added.length;
			this.version++;
		}

		return added.length;
	}

	/** New lines of one process; lines already held are skipped, a hole becomes a marker. With
	`partial` (a live event), the process's unfinished line becomes that one, or none. */
	append(watcher: string, pid: number, lines: readonly IncomingLine[], partial?: IncomingLine | null): void {
		// `#add` for each line, with the process's last seq and its partial looked up once (a flood's
		// event holds thousands of lines).
		let last = this.#lastSeq.get(pid);
		const before = this.#entries.length;
		for (const line of lines) {
			if (last !== undefined) {
				if (line.seq <= last) {
					continue;
				}

				if (line.seq > last + 1) {
					this.#entries.push({kind: 'gap', count: line.seq - last - 1, unit: 'lines', time: line.time, watcher, pid});
				}
			}

			last = line.seq;
			this.#entries.push(outputEntry(watcher, pid, line));
		}

		if (this.#entries.length !== before) {
			this.#lastSeq.set(pid, last!);
			const held = this.#partials.get(pid);
			if (held !== undefined && held.seq <= last!) {
				this.#partials.delete(pid);
			}

			this.version++;
		}

		if (partial !== undefined) {
			this.setPartial(watcher, pid, partial ?? undefined);
		}

		this.#evict();
	}

	/** The supervisor dropped `count` events for this viewer. */
	markDropped(count: number, time: number): void {
		this.#entries.push({kind: 'gap', count, unit: 'events', time});
		this.version++;
		this.#evict();
	}

	#add(watcher: string, pid: number, line: IncomingLine): void {
		const last = this.#lastSeq.get(pid);
		if (last !== undefined) {
			if (line.seq <= last) {
				return;
			}

			if (line.seq > last + 1) {
				this.#entries.push({kind: 'gap', count: line.seq - last - 1, unit: 'lines', time: line.time, watcher, pid});
			}
		}

		this.#lastSeq.set(pid, line.seq);
		const partial = this.#partials.get(pid);
		if (partial !== undefined && partial.seq <= line.seq) {
			this.#partials.delete(pid);
		}

		this.#entries.push(outputEntry(watcher, pid, line));
		this.version++;
	}

	#evict(): void {
		// Evict in chunks, so a flood costs one splice per tenth of the capacity, not one per line.
		const slack = Math.max(1, Math.floor(this.capacity / 10));
		if (this.#entries.length > this.capacity + slack) {
			const excess = this.#entries.length - this.capacity;
			this.#entries.splice(0, excess);
			this.#base += excess;
			this.version++;
		}
	}
}
