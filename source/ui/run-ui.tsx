/**
Mount the UI on the terminal: alternate screen in (and mouse reporting on), Ink rendering
off-screen into text (debug mode, into a frame sink), a screen writer painting the changed rows,
and everything put back when the UI is done, whatever the way out: the writer's `leave` turns the
mouse off where it leaves the alternate screen, and quitting, detaching, a signal and a crash all
come through `restore`.
*/
import {render} from 'ink';
import type {SupervisorClient} from '../control/supervisor-client.js';
import {App} from './components/App.js';
import type {MouseEvent, MouseEvents} from './input/mouse.js';
import {MouseStdin} from './input/mouse-stdin.js';
import {adaptFrame} from './screen/frame-filter.js';
import {createFrameSink} from './screen/frame-sink.js';
import type {QuitRequests, UiMode} from './hooks/use-quit.js';
import {HeapTrim} from './live/heap-trim.js';
import {LiveStore, type SupervisorLogFeed} from './live/live-store.js';
import {installRowCache} from './screen/ink-row-cache.js';
import {ScreenWriter} from './screen/screen-writer.js';
import {fullCaps, setTerminalCaps, type TerminalCaps} from './screen/terminal-caps.js';

// Frames cost what changed, not the whole screen (see ink-row-cache.ts).
await installRowCache();

export type RunUiOptions = {
	readonly client: SupervisorClient;
	readonly mode: UiMode;
	/** procui's own log, in embedded mode. */
	readonly supervisorLog?: SupervisorLogFeed;
	readonly stdin?: NodeJS.ReadStream;
	readonly stdout?: NodeJS.WriteStream;
	/** Told how long Ink took to render each frame, in milliseconds (for measurements). */
	readonly onRenderTime?: (ms: number) => void;
	/** What the terminal can show (colours, Unicode); everything by default. */
	readonly caps?: TerminalCaps;
	/** The screen, when it is up already with a first frame (skeleton.ts); a new one by default. */
	readonly screen?: ScreenWriter;
	/** Clicks and the wheel (mouse reporting on while the UI is up); off unless asked for (`--no-mouse` leaves it off). */
	readonly mouse?: boolean;
	/** Told when a frame reached the terminal, and how long painting it took in milliseconds (for measurements). */
	readonly onPaint?: (frame: string, ms: number) => void;
	/** Collects garbage and gives V8's pages back (io/memory.ts): run once a burst of output is over. */
	readonly collectGarbage?: (kind: 'full' | 'young') => void;
};

export type UiHandle = {
	readonly store: LiveStore;
	/** Quit from outside (SIGTERM, SIGHUP): gracefully, or by force when `force` (a second signal). */
	requestQuit(force: boolean): void;
	/** The connection to the supervisor ended (attached mode); it is being retried. */
	connectionLost(reason: string): void;
	/** The connection is back: fetch everything again. */
	connectionRestored(): void;
	/** Resolves once the UI has quit or detached and the terminal is restored. */
	readonly done: Promise<void>;
	/** Put the terminal back at once (a crash). Safe to call more than once. */
	restore(): void;
};

export function runUi(options: RunUiOptions): UiHandle {
	const stdout = options.stdout ?? process.stdout;
	const stdin = options.stdin ?? process.stdin;
	// Mouse reports are taken out of the input before Ink parses keys (it would read them as keys).
	const mouseOn = (options.mouse ?? false) && stdin.isTTY;
	const mouseListeners = new Set<(event: MouseEvent) => void>();
	const mouse: MouseEvents = {
		subscribe(listener) {
			mouseListeners.add(listener);
			return () => {
				mouseListeners.delete(listener);
			};
		},
	};
	const inkStdin = mouseOn
		? new MouseStdin(stdin, (event) => {
			for (const listener of mouseListeners) {
				listener(event);
			}
		}) as unknown as NodeJS.ReadStream
		: stdin;
	// The screen may be up already, with the layout drawn before Ink loaded (see skeleton.ts).
	const writer = options.screen ?? new ScreenWriter(stdout);
	writer.setMouse(mouseOn);
	const caps = options.caps ?? fullCaps;
	setTerminalCaps(caps);
	const sink = createFrameSink(stdout, (frame) => {
		const start = performance.now();
		writer.paint(adaptFrame(frame, caps));
		options.onPaint?.(frame, performance.now() - start);
	}, () => {
		writer.invalidate();
	});
	const store = new LiveStore(options.client, {supervisorLog: options.supervisorLog, heapTrim: new HeapTrim({collect: options.collectGarbage})});
	const quitListeners = new Set<(force: boolean) => void>();
	const quitRequests: QuitRequests = {
		subscribe(listener) {
			quitListeners.add(listener);
			return () => {
				quitListeners.delete(listener);
			};
		},
	};
	// A terminal that went away (SIGHUP) fails reads and writes with EIO: nothing to do about it but
	// stop painting (the quit that SIGHUP asks for goes on).
	const ignore = (): void => undefined;
	stdout.on('error', ignore);
	stdin.on('error', ignore);
	const restore = (): void => {
		writer.leave();
		if (stdin.isTTY) {
			try {
				stdin.setRawMode(false);
			} catch {
				// Not a terminal any more.
			}
		}
	};

	let resolveDone: () => void = () => undefined;
	const done = new Promise<void>((resolve) => {
		resolveDone = resolve;
	});
	let finished = false;
	writer.enter();
	const instance = render(
		<App client={options.client} store={store} mode={options.mode} quitRequests={quitRequests} mouse={mouseOn ? mouse : undefined} clipboard={(text) => {
			writer.clipboard(text);
		}} onInputMode={(on) => {
			writer.bracketedPaste(on);
		}} onExit={() => {
			// Let the last frame and the reply that led here settle first.
			setImmediate(finish);
		}}/>,
		{
			stdout: sink,
			stdin: inkStdin,
			debug: true,
			exitOnCtrlC: false,
			patchConsole: false,
			onRender: ({renderTime}) => options.onRenderTime?.(renderTime),
		},
	);
	function finish(): void {
		if (finished) {
			return;
		}

		finished = true;
		instance.unmount();
		sink.close();
		void store.stop();
		restore();
		resolveDone();
	}

	void store.start();
	return {
		store,
		requestQuit(force) {
			for (const listener of quitListeners) {
				listener(force);
			}
		},
		connectionLost(reason) {
			store.setLost(reason);
		},
		connectionRestored() {
			void store.reconnected();
		},
		done,
		restore,
	};
}
