/** What a keypress may touch, and the small helpers every key handler uses. */
import type {RunCommand} from '../hooks/use-commands.js';
import type {QuitKind, UiMode} from '../hooks/use-quit.js';
import type {LiveStore} from '../live/live-store.js';
import type {LogRowOptions} from '../logs/log-rows.js';
import type {Selection} from '../state/selection.js';
import type {LogExtent, UiAction} from '../state/ui-reducer.js';
import type {UiState} from '../state/ui-state.js';

export type KeyContext = {
	/** The UI state when the key arrived. */
	readonly ui: UiState;
	readonly dispatch: (action: UiAction) => void;
	/** The UI state resolved against the latest overview. */
	readonly selection: Selection;
	/** The supervisor's data: the log buffer is searched and scrolled through it. */
	readonly store: LiveStore;
	/** A command on the supervisor, shown in the status line. */
	readonly run: RunCommand;
	/** The one way out. */
	readonly quit: (kind: QuitKind) => void;
	readonly mode: UiMode;
	/** Rows of log text on screen. */
	readonly page: number;
	/** Ask for the oldest line once the whole scrollback is in (after `g` in the log pane). */
	readonly wantTop: () => void;
	/** Send the keys to the process shown (input mode), if it has a terminal. */
	readonly enterInput: () => void;
	/** `T`: the process shown switches between its terminal's screen and its lines. */
	readonly toggleView: () => void;
	/** The log pane shows a process's terminal screen, not lines. */
	readonly showsScreen: boolean;
	/** Put text on the clipboard (through the terminal). */
	readonly clipboard: (text: string) => void;
	/** The prefix the log pane gives each line (watcher, pid or none), for lines written out as shown. */
	readonly logPrefix: Pick<LogRowOptions, 'prefix' | 'prefixWidth'>;
	/** How far the help or a command's result can scroll at this screen size (0 for other modals). */
	readonly modalScrollMax: (modal: UiState['modal']) => number;
	/** How far the log pane's lines can scroll sideways in this view: the widest line shown, less the pane's width. */
	readonly hscrollMax: (ui: UiState) => number;
	/** Run `action` (with the context of that moment) once the log source's lines are in. */
	readonly whenLoaded: (action: (context: KeyContext) => void) => void;
};

/** Printable text typed or pasted (no control characters). */
export const printable = (input: string): string => [...input].filter((char) => char >= ' ' && char !== '\u007F').join('');

/** The log buffer's extent and the page size, for scrolling actions. */
export function extent(context: KeyContext): LogExtent {
	return {start: context.store.logs.start, end: context.store.logs.end, page: context.page};
}

/** A line in the status bar. */
export function notice(context: KeyContext, tone: 'info' | 'warn' | 'error', text: string): void {
	context.dispatch({type: 'notice', id: 0, tone, text, time: Date.now()});
}

