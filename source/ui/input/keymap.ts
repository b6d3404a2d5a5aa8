/**
Every key of the main screen, in one table: the key handler resolves keys through it, the footer
shows its hints and the help overlay lists all of it, so the three cannot disagree.

`k` is "up" (vim keys, as in every list in every peer) and `K` sends a signal: the two cannot
share a key, and moving is what a hand does a hundred times more often.
*/
import type {Key} from 'ink';
import type {Focus} from '../state/ui-state.js';

/** What a key asks for; App turns it into a reducer action or a supervisor command. */
export type Intent =
	| {readonly type: 'move'; readonly delta: number}
	| {readonly type: 'page'; readonly delta: number}
	| {readonly type: 'edge'; readonly to: 'top' | 'bottom'}
	| {readonly type: 'hscroll'; readonly delta: number}
	| {readonly type: 'focus'; readonly direction: 1 | -1}
	| {readonly type: 'open'}
	| {readonly type: 'back'}
	| {readonly type: 'command'; readonly command: 'start' | 'stop' | 'restart' | 'incr' | 'decr' | 'reloadconfig'}
	| {readonly type: 'signal'}
	| {readonly type: 'prompt'; readonly purpose: 'command' | 'search'}
	| {readonly type: 'search-next'; readonly direction: 'older' | 'newer'}
	| {readonly type: 'toggle'; readonly option: 'follow' | 'wrap' | 'timestamps' | 'zoom'}
	| {readonly type: 'logs'; readonly scope: 'all' | 'supervisor'}
	| {readonly type: 'input'}
	| {readonly type: 'view'}
	| {readonly type: 'copy'}
	| {readonly type: 'yank'}
	| {readonly type: 'save'}
	| {readonly type: 'help'}
	| {readonly type: 'quit'}
	| {readonly type: 'interrupt'};

/** Groups of the help overlay. */
export type Section = 'Move' | 'Watcher' | 'Logs' | 'Copy' | 'General';

type Binding = {
	/** The keys as the help shows them. */
	readonly keys: readonly string[];
	/** Does this keypress trigger it? */
	readonly match: (input: string, key: Key) => boolean;
	readonly intent: Intent;
	/** One line for the help overlay. */
	readonly description: string;
	readonly section: Section;
	/** Shown in the footer: the pane each hint is for, its order of importance (lower first) and label. */
	readonly hints?: readonly Hint[];
};

/** A key hint in the footer. */
type Hint = {
	/** Lower comes first and stays longest. */
	readonly order: number;
	readonly keys: string;
	readonly label: string;
	/** The panes whose focus shows it; every pane when unset. */
	readonly panes?: readonly Focus[];
	/** Always shown, at the end, whatever the width (`? help`, `q quit`). */
	readonly pinned?: boolean;
};

const lists: readonly Focus[] = ['watchers', 'processes'];

const plain = (char: string) => (input: string, key: Key): boolean => input === char && !key.ctrl && !key.meta;
const ctrl = (char: string) => (input: string, key: Key): boolean => key.ctrl && input === char;

export const bindings: readonly Binding[] = [
	{keys: ['↑', 'k'], match: (input, key) => key.upArrow || plain('k')(input, key), intent: {type: 'move', delta: -1}, description: 'Previous watcher or process; in the logs, scroll up', section: 'Move', hints: [{order: 0, keys: '↑↓', label: 'select', panes: lists}, {order: 0, keys: '↑↓', label: 'scroll', panes: ['logs']}]},
	{keys: ['↓', 'j'], match: (input, key) => key.downArrow || plain('j')(input, key), intent: {type: 'move', delta: 1}, description: 'Next watcher or process; in the logs, scroll down', section: 'Move'},
	{keys: ['Tab'], match: (_input, key) => key.tab && !key.shift, intent: {type: 'focus', direction: 1}, description: 'Move focus: watchers → processes → logs', section: 'Move', hints: [{order: 1, keys: 'Tab', label: 'focus'}]},
	{keys: ['Shift-Tab'], match: (_input, key) => key.tab && key.shift, intent: {type: 'focus', direction: -1}, description: 'Move focus back', section: 'Move'},
	{keys: ['Enter'], match: (_input, key) => key.return, intent: {type: 'open'}, description: 'Open the watcher\'s processes; on a process, its logs', section: 'Move', hints: [{order: 2, keys: '⏎', label: 'open', panes: ['watchers']}, {order: 2, keys: '⏎', label: 'logs', panes: ['processes']}]},
	{keys: ['Esc'], match: (_input, key) => key.escape, intent: {type: 'back'}, description: 'Back: clear the search, leave zoom, up a level', section: 'Move', hints: [{order: 3, keys: 'Esc', label: 'back', panes: ['processes']}, {order: 11, keys: 'Esc', label: 'back', panes: ['logs']}]},
	{keys: ['PgUp', 'Ctrl-U'], match: (input, key) => key.pageUp || ctrl('u')(input, key), intent: {type: 'page', delta: -1}, description: 'Logs up a page (stops following)', section: 'Logs', hints: [{order: 1, keys: 'PgUp/Dn', label: 'page', panes: ['logs']}]},
	{keys: ['PgDn', 'Ctrl-D'], match: (input, key) => key.pageDown || ctrl('d')(input, key), intent: {type: 'page', delta: 1}, description: 'Logs down a page', section: 'Logs'},
	{keys: ['Home', 'g'], match: (input, key) => key.home || plain('g')(input, key), intent: {type: 'edge', to: 'top'}, description: 'First item; in the logs, the oldest line', section: 'Move'},
	{keys: ['End', 'G'], match: (input, key) => key.end || plain('G')(input, key), intent: {type: 'edge', to: 'bottom'}, description: 'Last item; in the logs, the newest, following', section: 'Move'},
	{keys: ['←', '→'], match: (_input, key) => key.leftArrow || key.rightArrow, intent: {type: 'hscroll', delta: 0}, description: 'Long lines sideways (wrap off)', section: 'Logs', hints: [{order: 6, keys: '←→', label: 'sideways', panes: ['logs']}]},
	{keys: ['s'], match: plain('s'), intent: {type: 'command', command: 'start'}, description: 'Start the selected watcher', section: 'Watcher', hints: [{order: 3, keys: 's', label: 'start', panes: lists}]},
	{keys: ['x'], match: plain('x'), intent: {type: 'command', command: 'stop'}, description: 'Stop it: stop signal, SIGKILL after graceful_timeout', section: 'Watcher', hints: [{order: 4, keys: 'x', label: 'stop', panes: lists}]},
	{keys: ['r'], match: plain('r'), intent: {type: 'command', command: 'restart'}, description: 'Restart it', section: 'Watcher', hints: [{order: 5, keys: 'r', label: 'restart', panes: lists}]},
	{keys: ['+'], match: (input) => input === '+' || input === '=', intent: {type: 'command', command: 'incr'}, description: 'One more process (incr)', section: 'Watcher', hints: [{order: 6, keys: '+/-', label: 'scale', panes: ['watchers']}]},
	{keys: ['-'], match: (input) => input === '-' || input === '_', intent: {type: 'command', command: 'decr'}, description: 'One process fewer (decr)', section: 'Watcher'},
	{keys: ['K'], match: plain('K'), intent: {type: 'signal'}, description: 'Signal the selected process, or all of the watcher\'s', section: 'Watcher', hints: [{order: 9, keys: 'K', label: 'signal', panes: lists}]},
	{keys: ['R'], match: plain('R'), intent: {type: 'command', command: 'reloadconfig'}, description: 'Reload the configuration (reloadconfig)', section: 'Watcher'},
	{keys: [':'], match: plain(':'), intent: {type: 'prompt', purpose: 'command'}, description: 'Any ctl command: `incr worker 3`, `signal web HUP`', section: 'General', hints: [{order: 10, keys: ':', label: 'cmd'}]},
	{keys: ['/'], match: plain('/'), intent: {type: 'prompt', purpose: 'search'}, description: 'Search the logs; matches are highlighted', section: 'Logs', hints: [{order: 7, keys: '/', label: 'search', panes: lists}, {order: 2, keys: '/', label: 'search', panes: ['logs']}]},
	{keys: ['n'], match: plain('n'), intent: {type: 'search-next', direction: 'older'}, description: 'Next match, going up (older)', section: 'Logs', hints: [{order: 3, keys: 'n/N', label: 'match', panes: ['logs']}]},
	{keys: ['N'], match: plain('N'), intent: {type: 'search-next', direction: 'newer'}, description: 'Previous match, going down (newer)', section: 'Logs'},
	{keys: ['f'], match: plain('f'), intent: {type: 'toggle', option: 'follow'}, description: 'Follow the newest lines on/off', section: 'Logs', hints: [{order: 4, keys: 'f', label: 'follow', panes: ['logs']}]},
	{keys: ['w'], match: plain('w'), intent: {type: 'toggle', option: 'wrap'}, description: 'Wrap long lines on/off', section: 'Logs', hints: [{order: 5, keys: 'w', label: 'wrap', panes: ['logs']}]},
	{keys: ['t'], match: plain('t'), intent: {type: 'toggle', option: 'timestamps'}, description: 'Timestamps on/off', section: 'Logs', hints: [{order: 7, keys: 't', label: 'time', panes: ['logs']}]},
	{keys: ['a'], match: plain('a'), intent: {type: 'logs', scope: 'all'}, description: 'All watchers\' logs, interleaved (again: back)', section: 'Logs', hints: [{order: 14, keys: 'a', label: 'all logs'}]},
	{keys: ['L'], match: plain('L'), intent: {type: 'logs', scope: 'supervisor'}, description: 'procui\'s own log, embedded (again: back)', section: 'Logs'},
	{keys: ['z'], match: plain('z'), intent: {type: 'toggle', option: 'zoom'}, description: 'Zoom the logs to the whole screen, and back', section: 'Logs', hints: [{order: 8, keys: 'z', label: 'zoom', panes: ['logs']}, {order: 15, keys: 'z', label: 'zoom', panes: lists}]},
	{keys: ['v'], match: plain('v'), intent: {type: 'copy'}, description: 'Copy mode: select log lines to copy (keys below)', section: 'Logs', hints: [{order: 9, keys: 'v', label: 'copy', panes: ['logs']}]},
	{keys: ['W'], match: plain('W'), intent: {type: 'save'}, description: 'Write the log shown (its scrollback, plain text) to procui-NAME-TIME.log here', section: 'Logs', hints: [{order: 10, keys: 'W', label: 'save', panes: ['logs']}]},
	{keys: ['i'], match: plain('i'), intent: {type: 'input'}, description: 'Type into the process shown (a PTY process): keys, pastes, Ctrl-C go to it; Ctrl-] comes back', section: 'Logs', hints: [{order: 1, keys: 'i', label: 'type in', panes: ['logs']}]},
	{keys: ['T'], match: plain('T'), intent: {type: 'view'}, description: 'A PTY process\'s terminal screen or its lines (scrollback, search), and back; kept until it exits', section: 'Logs', hints: [{order: 5, keys: 'T', label: 'screen/lines', panes: ['logs']}]},
	{keys: ['?'], match: plain('?'), intent: {type: 'help'}, description: 'This help', section: 'General', hints: [{order: 0, keys: '?', label: 'help', pinned: true}]},
	{keys: ['q'], match: plain('q'), intent: {type: 'quit'}, description: 'Quit, asking if processes run; attached: detach', section: 'General', hints: [{order: 1, keys: 'q', label: 'quit', pinned: true}]},
	{keys: ['Ctrl-C'], match: ctrl('c'), intent: {type: 'interrupt'}, description: 'Quit, asking first; again: force (SIGKILL)', section: 'General'},
];

/** The keys of copy mode (after `v`): they take every key until Esc or `y`. */
export const copyBindings: readonly Binding[] = [
	{keys: ['↑↓', 'k j'], match: (input, key) => key.upArrow || key.downArrow || plain('k')(input, key) || plain('j')(input, key), intent: {type: 'move', delta: 0}, description: 'Extend the selection a line up or down', section: 'Copy', hints: [{order: 0, keys: '↑↓', label: 'select lines'}]},
	{keys: ['PgUp', 'PgDn'], match: (input, key) => key.pageUp || key.pageDown || ctrl('u')(input, key) || ctrl('d')(input, key), intent: {type: 'page', delta: 0}, description: 'Extend it a page up or down', section: 'Copy', hints: [{order: 1, keys: 'PgUp/Dn', label: 'page'}]},
	{keys: ['Home', 'End', 'g G'], match: (input, key) => key.home || key.end || plain('g')(input, key) || plain('G')(input, key), intent: {type: 'edge', to: 'top'}, description: 'Extend it to the oldest or the newest line held', section: 'Copy'},
	{keys: ['y', 'Enter'], match: (input, key) => plain('y')(input, key) || key.return, intent: {type: 'yank'}, description: 'Copy the selected lines (plain text) to the clipboard, through the terminal (OSC 52)', section: 'Copy', hints: [{order: 2, keys: 'y', label: 'copy'}]},
	{keys: ['Esc', 'v', 'q'], match: (input, key) => key.escape || plain('v')(input, key) || plain('q')(input, key), intent: {type: 'back'}, description: 'Leave copy mode', section: 'Copy', hints: [{order: 3, keys: 'Esc', label: 'cancel'}]},
];

/** The intent of a key in copy mode, with its direction. */
export function resolveCopyKey(input: string, key: Key): Intent | undefined {
	const binding = copyBindings.find((candidate) => candidate.match(input, key));
	switch (binding?.intent.type) {
		case 'move': {
			return {type: 'move', delta: key.upArrow || input === 'k' ? -1 : 1};
		}

		case 'page': {
			return {type: 'page', delta: key.pageUp || (key.ctrl && input === 'u') ? -1 : 1};
		}

		case 'edge': {
			return {type: 'edge', to: key.home || input === 'g' ? 'top' : 'bottom'};
		}

		default: {
			return binding?.intent;
		}
	}
}

/** The intent of a keypress on the main screen, if any. */
export function resolveKey(input: string, key: Key): Intent | undefined {
	for (const binding of bindings) {
		if (binding.match(input, key)) {
			if (binding.intent.type === 'hscroll') {
				return {type: 'hscroll', delta: key.leftArrow ? -1 : 1};
			}

			return binding.intent;
		}
	}

	return undefined;
}

/** Every footer hint of the table. */
export const footerHints: readonly Hint[] = bindings.flatMap((binding) => binding.hints ?? []);

/** The hints for a pane, most important first. */
export function paneHints(focus: Focus): Hint[] {
	return footerHints.filter((hint) => hint.panes === undefined || hint.panes.includes(focus)).sort((a, b) => a.order - b.order);
}

const hintWidth = (hint: Hint): number => [...hint.keys].length + 1 + hint.label.length;

/** Key names spelled out for a terminal without Unicode (the frame filter would make `⏎` a `~`). */
export const asciiKeyNames: Readonly<Record<string, string>> = {'↑↓': 'Up/Dn', '⏎': 'Enter', '←→': 'Lt/Rt', '↑↓ PgUp PgDn': 'Up/Dn PgUp PgDn'};

/**
The hints that fit in `width` columns (two spaces apart) for the focused pane: the pinned ones
(`? help`, `q quit`) always, at the end; before them the pane's most important ones that fit.
*/
export function fitHints(width: number, focus: Focus = 'watchers', keysOf: (keys: string) => string = (keys) => keys): Hint[] {
	const hints = paneHints(focus).map((hint) => ({...hint, keys: keysOf(hint.keys)}));
	const pinned = hints.filter((hint) => hint.pinned);
	let used = pinned.reduce((sum, hint) => sum + hintWidth(hint) + 2, 0);
	const fitted: Hint[] = [];
	for (const hint of hints) {
		if (hint.pinned) {
			continue;
		}

		const size = hintWidth(hint) + 2;
		if (used + size > width + 2) {
			continue;
		}

		fitted.push(hint);
		used += size;
	}

	return [...fitted, ...pinned];
}
