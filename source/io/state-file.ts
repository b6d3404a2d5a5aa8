import fs from 'node:fs';
import path from 'node:path';

/** A process as the kernel knows it: a pid is reused, a pid and its start time are not. */
export type ProcessMark = {
	readonly pid: number;
	/** /proc/PID/stat field 22: clock ticks after boot when the process started. */
	readonly start: number;
};

/** What a daemon writes down so that the next one can find what it left running. */
type SupervisorState = {
	readonly version: 1;
	readonly supervisor: ProcessMark;
	readonly watchers: Readonly<Record<string, {
		readonly stopSignal: number;
		readonly gracefulTimeout: number;
		readonly processes: readonly ProcessMark[];
	}>>;
};

/** What the supervisor runs now; the state file adds the start times. */
export type StateSnapshot = {
	readonly supervisor: ProcessMark;
	readonly watchers: Readonly<Record<string, {readonly stopSignal: number; readonly gracefulTimeout: number; readonly processes: readonly RunningProcess[]}>>;
};

/** A process the supervisor runs. */
export type RunningProcess = {
	readonly pid: number;
	/** Names this one process and no other for the supervisor's life (its generation), unlike a
	pid, which the system reuses: its start time is read once, not at every write. */
	readonly key: number;
};

/** A process's start time, or undefined when it is gone (a zombie counts as gone). */
export function startTime(pid: number): number | undefined {
	try {
		return parseStart(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return undefined;
	}
}

function parseStart(stat: string): number | undefined {
	// The command name is in parentheses and may contain spaces: fields are counted after it.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// fields[0] is field 3 (state); field 22 is starttime.
	return fields[0] === 'Z' ? undefined : Number(fields[19]);
}

/** The process group a process is in, or undefined when it is gone. */
export function processGroup(pid: number): number | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
	} catch {
		return undefined;
	}
}

/** Is this the very process that was written down (same pid, same start time, not a zombie)? */
export function stillRunning(mark: ProcessMark): boolean {
	return startTime(mark.pid) === mark.start;
}

/** How long changes are gathered into one write. */
const coalesceMs = 200;

/**
The state file: written atomically (a temporary file, then rename) after changes, at most one
write in flight and one every `coalesceMs`, from timers and with asynchronous I/O so that no write
runs inside a scheduler command.
*/
export class StateFile {
	readonly file: string;
	readonly #collect: () => StateSnapshot;
	readonly #onError: (message: string) => void;
	#timer: NodeJS.Timeout | undefined;
	#writing: Promise<void> | undefined;
	#again = false;
	#closed = false;
	#lastError: string | undefined;
	/** Start times by process key, for the processes of the last write. */
	readonly #starts = new Map<number, number>();
	readonly #seen = new Set<number>();

	constructor(file: string, collect: () => StateSnapshot, onError: (message: string) => void) {
		this.file = file;
		this.#collect = collect;
		this.#onError = onError;
	}

	/** The processes changed: write soon. */
	changed(): void {
		if (this.#closed) {
			return;
		}

		if (this.#writing) {
			this.#again = true;
			return;
		}

		this.#timer ??= setTimeout(() => {
			this.#timer = undefined;
			this.#writing = this.#write().finally(() => {
				this.#writing = undefined;
				if (this.#again) {
					this.#again = false;
					this.changed();
				}
			});
		}, coalesceMs);
		this.#timer.unref();
	}

	/**
	A process's start time, read once per process. Read directly: /proc is memory, not a disk, and
	an asynchronous readFile is four trips through the thread pool, at every write of every process
	(under churn, every 200 ms). This runs in a timer, never inside a scheduler command.
	*/
	#startOf(pid: number, key: number): number | undefined {
		let start = this.#starts.get(key);
		if (start === undefined) {
			start = startTime(pid);
			if (start !== undefined) {
				this.#starts.set(key, start);
			}
		}

		this.#seen.add(key);
		return start;
	}

	async #write(): Promise<void> {
		const now = this.#collect();
		this.#seen.clear();
		const watchers: Record<string, SupervisorState['watchers'][string]> = {};
		for (const [name, watcher] of Object.entries(now.watchers)) {
			const processes: ProcessMark[] = [];
			for (const {pid, key} of watcher.processes) {
				const start = this.#startOf(pid, key);
				if (start !== undefined) {
					processes.push({pid, start});
				}
			}

			if (processes.length > 0) {
				watchers[name] = {stopSignal: watcher.stopSignal, gracefulTimeout: watcher.gracefulTimeout, processes};
			}
		}

		// Forget the processes that are gone.
		for (const key of this.#starts.keys()) {
			if (!this.#seen.has(key)) {
				this.#starts.delete(key);
			}
		}

		const state: SupervisorState = {version: 1, supervisor: now.supervisor, watchers};
		// Created new (O_EXCL, which never follows a symbolic link), then renamed over the file: in a
		// folder others can write (beside a pidfile in /tmp), a link planted at either name is
		// replaced or refused, never written through. (No node:crypto for the name: O_EXCL is the
		// guarantee, and crypto cost the daemon 0.6 MiB of RSS for its whole life: W1 with 100 processes, 50.0 against 49.4 MiB.)
		const temporary = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
		try {
			await fs.promises.mkdir(path.dirname(this.file), {recursive: true, mode: 0o700});
			await fs.promises.writeFile(temporary, `${JSON.stringify(state)}\n`, {mode: 0o600, flag: 'wx'});
			if (this.#closed) {
				await fs.promises.rm(temporary, {force: true});
				return;
			}

			await fs.promises.rename(temporary, this.file);
			this.#lastError = undefined;
		} catch (error) {
			const message = `state file ${this.file}: ${error instanceof Error ? error.message : String(error)}`;
			// Once per cause, not once per change.
			if (message !== this.#lastError) {
				this.#lastError = message;
				this.#onError(message);
			}

			await fs.promises.rm(temporary, {force: true}).catch(() => undefined);
		}
	}

	/** After a clean stop: nothing is left running, so nothing is written down. */
	async remove(): Promise<void> {
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		await this.#writing;
		fs.rmSync(this.file, {force: true});
	}
}

/** The state a previous daemon left, or undefined when there is none (or it cannot be read: said
through `onError`). */
export function readState(file: string, onError: (message: string) => void): SupervisorState | undefined {
	let text: string;
	try {
		// The file says which processes to kill: only one this user wrote, that nobody else can change.
		const stat = fs.lstatSync(file);
		if (!stat.isFile() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
			onError(`state file ${file}: not a regular file of this user's that only it can write; ignored`);
			return undefined;
		}

		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			onError(`state file ${file}: ${(error as Error).message}`);
		}

		return undefined;
	}

	try {
		const state = JSON.parse(text) as SupervisorState;
		if (state.version !== 1 || typeof state.watchers !== 'object' || state.watchers === null) {
			throw new Error('not a procui state file');
		}

		return state;
	} catch (error) {
		onError(`state file ${file}: ${(error as Error).message}; ignored`);
		return undefined;
	}
}
