/**
The screen of one PTY process, for the log pane: a terminal emulator (@xterm/headless) fed with
the process's raw output, sized to the pane. Shown instead of the lines once the program uses
the alternate screen or moves the cursor to absolute positions (`top`, `htop`, `less`, a
full-screen REPL), where lines would be garbage.

Raw bytes reach the UI only for the one process shown, only while it is shown: the feed
subscribes to `output.<watcher>.<pid>` first, then asks `screen` for the supervisor's raw tail
(the newest 64 KiB) to draw what the program already shows, and applies the live chunks past the
tail's end (each carries its byte offset, so nothing is drawn twice). One emulator at a time,
without scrollback: memory is one screen. The pane's size is sent to the process (`resize`), so
the program draws for the pane (it gets SIGWINCH). The emulator is loaded on first use, so a
UI that never shows a terminal never loads it.

Parsing is most of what showing a flood costs (the emulator took 44 % of the UI's CPU while a
program printed lines as fast as it could), and a program that prints lines needs none of it until
someone looks at its screen. So while the screen is not shown, is not a program's screen (`active`),
and its modes are a fresh terminal's, and once `keptBytes` have been parsed since the last chunk
that held a sequence `ScreenTriggers` looks for, the feed stops parsing (it rests): chunks are only
kept (the newest `keptBytes`, as they came) and scanned. A chunk with such a sequence, or the screen
being shown, wakes it: the emulator is reset and the kept chunks parsed again, one by one as they
came, which draws what the newest bytes show, as the first screen reply does. It rests again at
most once a second, so a program that keeps waking it costs at most one replay a second more.
*/
import type {Terminal} from '@xterm/headless';
import {isErrorReply, type EventMessage} from '../../control/protocol.js';
import type {SupervisorClient, Subscription} from '../../control/supervisor-client.js';
import {replayPrefix} from '../../control/alternate-replay.js';
import {keysFor, screenRows, applyStringWidths} from './terminal-render.js';
import {ScreenTriggers} from './screen-triggers.js';

/** The process whose terminal is shown. */
type TerminalTarget = {readonly name: string; readonly pid: number};

/** Wait after the last size change before telling the process (a drag resizes many times). */
const resizeDelayMs = 80;

/** The newest output kept while the feed rests (the supervisor's raw tail holds as much). */
const keptBytes = 64 * 1024;
/** The feed rests at most this often: a program that keeps waking it costs one replay a second. */
const restEveryMs = 1000;

/** Cursor positioning (CUP, HVP, VPA): a program that uses these draws a screen, not lines. */
const addressingFinals = ['H', 'f', 'd'] as const;

/** Is the cursor in the top left corner? */
const atHome = (terminal: Terminal): boolean => terminal.buffer.active.cursorX === 0 && terminal.buffer.active.cursorY === 0;

/** Does a positioning sequence go anywhere but the top left corner? */
const beyondHome = (params: ReadonlyArray<number | number[]>): boolean => params.some((param) => (typeof param === 'number' ? param : param[0] ?? 0) > 1);

export class TerminalFeed {
	readonly #client: SupervisorClient;
	readonly #onChange: () => void;
	#target: TerminalTarget | undefined;
	#generation = 0;
	#terminal: Terminal | undefined;
	#subscription: Promise<Subscription | undefined> = Promise.resolve(undefined);
	/** Bytes of the process's output drawn so far; undefined until the tail is in. */
	#end: number | undefined;
	#early: Array<{offset: number; data: Buffer}> = [];
	#addressing = false;
	/** In the chunk being parsed: the cursor went home; the whole screen was erased. A home with no
	erase is a program redrawing in place (`top`); with one, it is `clear` (a watch-mode compiler
	before each run), which is followed by lines and keeps the lines view, its scrollback and search. */
	#home = false;
	#erased = false;
	#refused = false;
	#drawn = 0;
	#columns = 80;
	#rows = 24;
	#resizeTimer: NodeJS.Timeout | undefined;
	/** The newest chunks of output (`keptBytes` at most; the first may be cut), for a wake-up. */
	#kept: Buffer[] = [];
	#keptLength = 0;
	readonly #triggers = new ScreenTriggers();
	/** Not parsing: chunks are only kept and scanned. */
	#resting = false;
	/** Bytes parsed since the last chunk with a sequence that counts (or since the last reset). */
	#quietBytes = 0;
	/** When the feed last woke (or opened), by `performance.now()`. */
	#wokeAt = 0;
	/** Whether the view shows the screen (then the emulator must be up to date). */
	#shown = false;
	/** A fresh terminal's modes (JSON), to tell when the program has set any. */
	#freshModes = '';
	/** Bumped whenever the screen may have changed. */
	version = 0;

	constructor(client: SupervisorClient, onChange: () => void) {
		this.#client = client;
		this.#onChange = onChange;
	}

	/** The process shown, when it has a terminal. */
	get target(): TerminalTarget | undefined {
		return this.#terminal === undefined ? undefined : this.#target;
	}

	/** Bytes of the process's output on the screen so far (the emulator parses asynchronously: this
	counts what it has parsed); 0 before the tail is in. */
	get drawnBytes(): number {
		return this.#drawn;
	}

	/** Not parsing the output now (see the top of the file). */
	get resting(): boolean {
		return this.#resting;
	}

	/** The process shown has no terminal (pipe mode, or gone): the lines are all there is. */
	get unavailable(): boolean {
		return this.#target !== undefined && this.#terminal === undefined && this.#refused;
	}

	/** Should the pane show the screen instead of lines? */
	get active(): boolean {
		return this.#terminal !== undefined && this.#end !== undefined && (this.#addressing || this.#terminal.buffer.active.type === 'alternate');
	}

	/** Follow another process (undefined: none). */
	setTarget(target: TerminalTarget | undefined): void {
		if (target?.name === this.#target?.name && target?.pid === this.#target?.pid) {
			return;
		}

		this.#close();
		this.#target = target;
		if (target !== undefined) {
			void this.#open(target, this.#generation);
		}
	}

	/** Start over with the same process (after a reconnection: the tail and the stream are new). */
	resync(): void {
		const target = this.#target;
		this.#close();
		this.#target = undefined;
		this.setTarget(target);
	}

	/** Whether the view shows the screen now: the emulator wakes (and stays awake) while it does. */
	setShown(shown: boolean): void {
		this.#shown = shown;
		if (shown && this.#resting) {
			this.#wake();
		}
	}

	/** The pane's inner size: the emulator's and the process's window size follow it. */
	setSize(columns: number, rows: number): void {
		if (columns === this.#columns && rows === this.#rows) {
			return;
		}

		this.#columns = columns;
		this.#rows = rows;
		this.#terminal?.resize(columns, rows);
		this.#scheduleResize();
		this.version++;
	}

	/** The screen as the pane's rows. */
	rows(width: number, height: number, showCursor: boolean): string[] {
		if (this.#resting) {
			this.#wake(); // Asked without `setShown`: right from the next frame on.
		}

		return this.#terminal === undefined ? [] : screenRows(this.#terminal, width, height, showCursor);
	}

	/** Type into the process (input mode). Resolves with the reason when the supervisor refused. */
	async type(data: string): Promise<string | undefined> {
		const target = this.target;
		const terminal = this.#terminal;
		if (target === undefined || terminal === undefined) {
			return 'no process with a terminal is shown';
		}

		const keys = keysFor(data, terminal.modes);
		if (keys === '') {
			return undefined;
		}

		try {
			const reply = await this.#client.call('input', {name: target.name, pid: target.pid, data: keys});
			return isErrorReply(reply) ? reply.reason : undefined;
		} catch (error) {
			return error instanceof Error ? error.message : String(error);
		}
	}

	async stop(): Promise<void> {
		this.#close();
		await this.#subscription;
	}

	#close(): void {
		this.#generation++;
		clearTimeout(this.#resizeTimer);
		this.#terminal?.dispose();
		this.#terminal = undefined;
		this.#end = undefined;
		this.#early = [];
		this.#addressing = false;
		this.#home = false;
		this.#erased = false;
		this.#refused = false;
		this.#drawn = 0;
		this.#kept = [];
		this.#keptLength = 0;
		this.#triggers.reset();
		this.#resting = false;
		this.#quietBytes = 0;
		const previous = this.#subscription;
		this.#subscription = previous.then(async (old) => {
			await old?.unsubscribe().catch(() => undefined);
			return undefined;
		});
		this.version++;
	}

	async #open(target: TerminalTarget, generation: number): Promise<void> {
		const {default: xterm} = await import('@xterm/headless');
		if (generation !== this.#generation) {
			return;
		}

		// xterm logs through `console` (at its default level a DEL byte is a "Parsing error", which it
		// skips as a terminal does): under the UI any console output lands on the screen, so it logs nothing.
		const terminal = new xterm.Terminal({cols: this.#columns, rows: this.#rows, scrollback: 0, allowProposedApi: true, logLevel: 'off'});
		applyStringWidths(terminal);
		for (const final of addressingFinals) {
			terminal.parser.registerCsiHandler({final}, (params) => {
				if (beyondHome(params)) {
					this.#addressing = true;
				} else {
					this.#home = true;
				}

				return false; // Still handled by the emulator.
			});
		}

		terminal.parser.registerCsiHandler({final: 'J'}, (params) => {
			const mode = params[0] ?? 0;
			// Erase below from the top left corner is the whole screen too: Node's readline
			// cursorTo(0, 0) + clearScreenDown(), as Vite and Vue CLI clear.
			if (mode === 2 || mode === 3 || (mode === 0 && atHome(terminal))) {
				this.#erased = true;
			}

			return false;
		});
		terminal.parser.registerEscHandler({final: 'c'}, () => {
			this.#erased = true;
			return false;
		});

		this.#terminal = terminal;
		this.#freshModes = JSON.stringify(terminal.modes);
		this.#wokeAt = performance.now();
		const previous = this.#subscription;
		this.#subscription = previous.then(async () => {
			if (generation !== this.#generation) {
				return undefined;
			}

			return this.#client.subscribe([`output.${target.name}.${target.pid}`], (event) => {
				this.#onRaw(event, generation);
			}).catch(() => undefined);
		});
		await this.#subscription;
		let reply;
		try {
			reply = await this.#client.call('screen', {name: target.name, pid: target.pid});
		} catch {
			reply = undefined;
		}

		if (generation !== this.#generation) {
			return;
		}

		if (reply === undefined || isErrorReply(reply) || typeof reply.data !== 'string' || typeof reply.end !== 'number') {
			// Pipe mode, gone, or a supervisor without terminals: no screen to show; the lines are all there is.
			this.#close();
			this.#target = target;
			this.#refused = true;
			return;
		}

		const tail = reply as unknown as {data: string; end: number; alternate: boolean};
		const data = Buffer.from(tail.data, 'base64');
		// The switch to the alternate screen may be older than the tail: then it is replayed first.
		const prefix = replayPrefix(data, tail.alternate);
		if (prefix !== '') {
			terminal.write(prefix);
		}

		this.#end = tail.end;
		this.#keep(data);
		this.#triggers.scan(data);
		this.#draw(terminal, data, tail.end, generation);
		for (const chunk of this.#early.splice(0)) {
			this.#apply(chunk.offset, chunk.data);
		}

		this.#scheduleResize(0);
		this.#written();
	}

	#onRaw(event: EventMessage, generation: number): void {
		if (generation !== this.#generation || event.event === 'dropped') {
			return;
		}

		const offset = Number(event.data.offset);
		// The bytes themselves from an in-process supervisor, base64 over a socket.
		const raw = event.data.data;
		const data = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'base64');
		if (this.#end === undefined) {
			this.#early.push({offset, data});
			return;
		}

		this.#apply(offset, data);
		if (!this.#resting) {
			this.#written();
		}
	}

	/** Draw a chunk, skipping what was drawn already (the tail overlaps the first live chunks). */
	#apply(offset: number, data: Buffer): void {
		const end = this.#end ?? 0;
		if (offset + data.length <= end) {
			return;
		}

		this.#end = offset + data.length;
		const fresh = offset < end ? data.subarray(end - offset) : data;
		this.#keep(fresh);
		const counts = this.#triggers.scan(fresh);
		if (this.#resting) {
			if (counts) {
				this.#wake();
			} else {
				this.#drawn = this.#end;
			}

			return;
		}

		this.#quietBytes = counts ? 0 : this.#quietBytes + fresh.length;
		if (this.#terminal !== undefined) {
			this.#draw(this.#terminal, fresh, this.#end, this.#generation);
		}
	}

	/** Keep a chunk of output, and the newest `keptBytes` only. */
	#keep(chunk: Buffer): void {
		this.#kept.push(chunk);
		this.#keptLength += chunk.length;
		while (this.#keptLength - this.#kept[0]!.length >= keptBytes) {
			this.#keptLength -= this.#kept.shift()!.length;
		}

		if (this.#keptLength > keptBytes) {
			this.#kept[0] = this.#kept[0]!.subarray(this.#keptLength - keptBytes);
			this.#keptLength = keptBytes;
		}
	}

	/** Parse again: reset the emulator and draw the kept chunks as they came. */
	#wake(): void {
		const terminal = this.#terminal;
		const end = this.#end;
		this.#resting = false;
		if (terminal === undefined || end === undefined) {
			return;
		}

		this.#wokeAt = performance.now();
		this.#quietBytes = 0;
		this.#addressing = false;
		this.#home = false;
		this.#erased = false;
		terminal.reset();
		let at = end - this.#keptLength;
		for (const chunk of this.#kept) {
			at += chunk.length;
			this.#draw(terminal, chunk, at, this.#generation);
		}

		this.#written();
	}

	/** After a chunk is parsed: rest if nothing needs the emulator (see the top of the file). */
	#mayRest(terminal: Terminal, end: number): void {
		if (end === this.#end && !this.#shown && this.#quietBytes >= keptBytes && !this.active
			&& performance.now() - this.#wokeAt >= restEveryMs && JSON.stringify(terminal.modes) === this.#freshModes) {
			this.#resting = true;
		}
	}

	#draw(terminal: Terminal, data: Buffer, end: number, generation: number): void {
		terminal.write(data, () => {
			if (generation === this.#generation) {
				this.#drawn = end;
				// A home that ends the chunk (nothing drawn after it) is decided by what follows, in a
				// later chunk: an erase (a `clear` written in two pieces) or a redraw.
				const homeLast = this.#home && !this.#erased && atHome(terminal);
				if (this.#home && !this.#erased && !homeLast) {
					this.#addressing = true;
				}

				this.#home = homeLast;
				this.#erased = false;
				this.#mayRest(terminal, end);
			}
		});
	}

	#written(): void {
		// The emulator parses asynchronously: tell the view once this write is on the screen.
		const generation = this.#generation;
		this.#terminal?.write('', () => {
			if (generation === this.#generation) {
				this.version++;
				this.#onChange();
			}
		});
	}

	#scheduleResize(delay = resizeDelayMs): void {
		clearTimeout(this.#resizeTimer);
		const target = this.#target;
		if (target === undefined || this.#terminal === undefined) {
			return;
		}

		this.#resizeTimer = setTimeout(() => {
			void this.#client.call('resize', {name: target.name, pid: target.pid, columns: this.#columns, rows: this.#rows}).catch(() => undefined);
		}, delay);
	}
}
