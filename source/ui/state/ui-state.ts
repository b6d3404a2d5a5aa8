/**
UI-only state: focus, selection, the log view's position and options, the open modal, command
progress. Nothing here comes from the supervisor; what does (the list of watchers, the buffer's
extent) arrives in the actions as data, and the reducer (ui-reducer.ts) stays pure.
*/

/** The pane keys go to. */
export type Focus = 'watchers' | 'processes' | 'logs';

/** A one-line prompt at the bottom. */
export type PromptPurpose = 'command' | 'search';

/** Whatever sits on top of the main screen and takes the keys. */
export type Modal =
	| {readonly kind: 'none'}
	| {readonly kind: 'help'; readonly scroll: number}
	| {
		readonly kind: 'prompt';
		readonly purpose: PromptPurpose;
		readonly text: string;
		/** Position in the prompt history while browsing it with ↑/↓; -1 when editing. */
		readonly historyIndex: number;
		/** A line under the prompt: completions, a parse error. */
		readonly hint: string | undefined;
	}
	| {
		readonly kind: 'signal';
		/** The highlighted signal in the list. */
		readonly index: number;
		/** Whom it goes to: a watcher's processes, or one process. */
		readonly target: {readonly name: string; readonly pid?: number};
	}
	| {
		readonly kind: 'confirm-quit';
		/** Processes that quitting would stop (embedded) or leave running (attached). */
		readonly live: number;
	}
	| {readonly kind: 'result'; readonly title: string; readonly lines: readonly string[]; readonly scroll: number};

/** What the log pane shows of a PTY process: its terminal's screen, or its output as lines. */
export type ScreenView = 'screen' | 'lines';

/** The key of a process in `views`. */
export const screenViewKey = (target: {readonly name: string; readonly pid: number}): string => `${target.name}\u0000${target.pid}`;

/** Copy mode: a range of log lines being selected (absolute buffer indices). */
export type CopySelection = {
	/** Where the selection began (the line under the cursor when `v` was pressed). */
	readonly from: number;
	/** The cursor line: the selection's other end, which the keys move. */
	readonly cursor: number;
};

/** A line of the status bar. */
export type StatusMessage = {
	readonly id: number;
	readonly text: string;
	readonly tone: 'busy' | 'ok' | 'error' | 'info' | 'warn';
	/** Milliseconds since the epoch. */
	readonly time: number;
};

/** Quitting in progress. */
export type QuitState = {
	/** `stopping`: graceful stop of every watcher; `forcing`: SIGKILL sent; `detaching`: leaving an attached supervisor. */
	readonly phase: 'stopping' | 'forcing' | 'detaching';
	readonly startedAt: number;
	/** graceful_timeout of each watcher, in seconds, once known. */
	readonly timeouts: Readonly<Record<string, number>>;
};

/** The search in the log pane. */
type SearchState = {
	readonly query: string;
	/** Absolute buffer index of the current match. */
	readonly match: number | undefined;
	/** "3 of 12", "not found". */
	readonly message: string | undefined;
};

export type UiState = {
	readonly focus: Focus;
	/** The list last focused: what the narrow layout shows, and whether the logs follow the selected process or its watcher. */
	readonly list: 'watchers' | 'processes';
	/** The selected watcher's name (the first watcher when unset or gone). */
	readonly watcher: string | undefined;
	/** The selected process's pid in the process pane (the first when unset or gone). */
	readonly pid: number | undefined;
	/** What the log pane shows: the selection (watcher, or process when the process pane has focus), all watchers, or procui's own log. */
	readonly logScope: 'selection' | 'all' | 'supervisor';
	/** Stay on the newest line. */
	readonly follow: boolean;
	/** When not following: absolute buffer index just after the last line shown. */
	readonly anchor: number;
	readonly wrap: boolean;
	readonly timestamps: boolean;
	/** Columns the log is scrolled sideways (not wrapping). */
	readonly hscroll: number;
	/** The log pane fills the screen. */
	readonly zoom: boolean;
	readonly search: SearchState;
	/** Copy mode in the log pane (`v`), or undefined. */
	readonly copy: CopySelection | undefined;
	/** The view `T` chose for a PTY process's log pane, by `screenViewKey`; a process without one
	gets the automatic view (the screen once the program draws one). Dropped when the process exits. */
	readonly views: Readonly<Record<string, ScreenView>>;
	readonly modal: Modal;
	/** Commands waiting for their reply. */
	readonly running: readonly StatusMessage[];
	/** The latest result or notice. */
	readonly last: StatusMessage | undefined;
	/** Command prompt history, oldest first. */
	readonly history: readonly string[];
	readonly quit: QuitState | undefined;
};

export const initialUiState: UiState = {
	focus: 'watchers',
	list: 'watchers',
	watcher: undefined,
	pid: undefined,
	logScope: 'selection',
	follow: true,
	anchor: 0,
	wrap: false,
	timestamps: false,
	hscroll: 0,
	zoom: false,
	search: {query: '', match: undefined, message: undefined},
	copy: undefined,
	views: {},
	modal: {kind: 'none'},
	running: [],
	last: undefined,
	history: [],
	quit: undefined,
};

/** Columns one ←/→ moves the log sideways. */
export const hscrollStep = 8;

/** Prompt history entries kept. */
export const historyLimit = 100;
