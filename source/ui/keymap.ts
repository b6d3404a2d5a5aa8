/**
Every key of the main screen, in one table: the key handler resolves keys through it, the footer
shows its hints and the help overlay lists all of it, so the three cannot disagree.

`k` is "up" (vim keys, as in every list in every peer) and `K` sends a signal: the two cannot
share a key, and moving is what a hand does a hundred times more often.
*/
import type {Key} from 'ink';

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
	| {readonly type: 'help'}
	| {readonly type: 'quit'}
	| {readonly type: 'interrupt'};

/** Groups of the help overlay. */
export type Section = 'Move' | 'Watcher' | 'Logs' | 'General';

export type Binding = {
	/** The keys as the help shows them. */
	readonly keys: readonly string[];
	/** Does this keypress trigger it? */
	readonly match: (input: string, key: Key) => boolean;
	readonly intent: Intent;
	/** One line for the help overlay. */
	readonly description: string;
	readonly section: Section;
	/** Shown in the footer, in this order of importance (lower first), with this label. */
	readonly hint?: {readonly order: number; readonly keys: string; readonly label: string};
};

const plain = (char: string) => (input: string, key: Key): boolean => input === char && !key.ctrl && !key.meta;
const ctrl = (char: string) => (input: string, key: Key): boolean => key.ctrl && input === char;

export const bindings: readonly Binding[] = [
	{keys: ['↑', 'k'], match: (input, key) => key.upArrow || plain('k')(input, key), intent: {type: 'move', delta: -1}, description: 'Previous watcher or process; in the logs, scroll up', section: 'Move', hint: {order: 0, keys: '↑↓', label: 'select'}},
	{keys: ['↓', 'j'], match: (input, key) => key.downArrow || plain('j')(input, key), intent: {type: 'move', delta: 1}, description: 'Next watcher or process; in the logs, scroll down', section: 'Move'},
	{keys: ['Tab'], match: (_input, key) => key.tab && !key.shift, intent: {type: 'focus', direction: 1}, description: 'Move focus: watchers → processes → logs', section: 'Move', hint: {order: 1, keys: 'Tab', label: 'focus'}},
	{keys: ['Shift-Tab'], match: (_input, key) => key.tab && key.shift, intent: {type: 'focus', direction: -1}, description: 'Move focus back', section: 'Move'},
	{keys: ['Enter'], match: (_input, key) => key.return, intent: {type: 'open'}, description: 'Open the watcher\'s processes; on a process, its logs', section: 'Move', hint: {order: 2, keys: '⏎', label: 'open'}},
	{keys: ['Esc'], match: (_input, key) => key.escape, intent: {type: 'back'}, description: 'Back: clear the search, leave zoom, up a level', section: 'Move'},
	{keys: ['PgUp', 'Ctrl-U'], match: (input, key) => key.pageUp || ctrl('u')(input, key), intent: {type: 'page', delta: -1}, description: 'Logs up a page (stops following)', section: 'Logs'},
	{keys: ['PgDn', 'Ctrl-D'], match: (input, key) => key.pageDown || ctrl('d')(input, key), intent: {type: 'page', delta: 1}, description: 'Logs down a page', section: 'Logs'},
	{keys: ['Home', 'g'], match: (input, key) => key.home || plain('g')(input, key), intent: {type: 'edge', to: 'top'}, description: 'First item; in the logs, the oldest line', section: 'Move'},
	{keys: ['End', 'G'], match: (input, key) => key.end || plain('G')(input, key), intent: {type: 'edge', to: 'bottom'}, description: 'Last item; in the logs, the newest, following', section: 'Move'},
	{keys: ['←', '→'], match: (_input, key) => key.leftArrow || key.rightArrow, intent: {type: 'hscroll', delta: 0}, description: 'Long lines sideways (wrap off)', section: 'Logs'},
	{keys: ['s'], match: plain('s'), intent: {type: 'command', command: 'start'}, description: 'Start the selected watcher', section: 'Watcher', hint: {order: 3, keys: 's', label: 'start'}},
	{keys: ['x'], match: plain('x'), intent: {type: 'command', command: 'stop'}, description: 'Stop it: stop signal, SIGKILL after graceful_timeout', section: 'Watcher', hint: {order: 4, keys: 'x', label: 'stop'}},
	{keys: ['r'], match: plain('r'), intent: {type: 'command', command: 'restart'}, description: 'Restart it', section: 'Watcher', hint: {order: 5, keys: 'r', label: 'restart'}},
	{keys: ['+'], match: (input) => input === '+' || input === '=', intent: {type: 'command', command: 'incr'}, description: 'One more process (incr)', section: 'Watcher', hint: {order: 6, keys: '+/-', label: 'scale'}},
	{keys: ['-'], match: (input) => input === '-' || input === '_', intent: {type: 'command', command: 'decr'}, description: 'One process fewer (decr)', section: 'Watcher'},
	{keys: ['K'], match: plain('K'), intent: {type: 'signal'}, description: 'Signal the selected process, or all of the watcher\'s', section: 'Watcher', hint: {order: 9, keys: 'K', label: 'signal'}},
	{keys: ['R'], match: plain('R'), intent: {type: 'command', command: 'reloadconfig'}, description: 'Reload the configuration (reloadconfig)', section: 'Watcher'},
	{keys: [':'], match: plain(':'), intent: {type: 'prompt', purpose: 'command'}, description: 'Any ctl command: `incr worker 3`, `signal web HUP`', section: 'General', hint: {order: 10, keys: ':', label: 'cmd'}},
	{keys: ['/'], match: plain('/'), intent: {type: 'prompt', purpose: 'search'}, description: 'Search the logs; matches are highlighted', section: 'Logs', hint: {order: 7, keys: '/', label: 'search'}},
	{keys: ['n'], match: plain('n'), intent: {type: 'search-next', direction: 'older'}, description: 'Next match, going up (older)', section: 'Logs'},
	{keys: ['N'], match: plain('N'), intent: {type: 'search-next', direction: 'newer'}, description: 'Previous match, going down (newer)', section: 'Logs'},
	{keys: ['f'], match: plain('f'), intent: {type: 'toggle', option: 'follow'}, description: 'Follow the newest lines on/off', section: 'Logs', hint: {order: 11, keys: 'f', label: 'follow'}},
	{keys: ['w'], match: plain('w'), intent: {type: 'toggle', option: 'wrap'}, description: 'Wrap long lines on/off', section: 'Logs', hint: {order: 12, keys: 'w', label: 'wrap'}},
	{keys: ['t'], match: plain('t'), intent: {type: 'toggle', option: 'timestamps'}, description: 'Timestamps on/off', section: 'Logs', hint: {order: 13, keys: 't', label: 'time'}},
	{keys: ['a'], match: plain('a'), intent: {type: 'logs', scope: 'all'}, description: 'All watchers\' logs, interleaved (again: back)', section: 'Logs', hint: {order: 14, keys: 'a', label: 'all logs'}},
	{keys: ['L'], match: plain('L'), intent: {type: 'logs', scope: 'supervisor'}, description: 'procui\'s own log, embedded (again: back)', section: 'Logs'},
	{keys: ['z'], match: plain('z'), intent: {type: 'toggle', option: 'zoom'}, description: 'Zoom the logs to the whole screen, and back', section: 'Logs', hint: {order: 15, keys: 'z', label: 'zoom'}},
	{keys: ['?'], match: plain('?'), intent: {type: 'help'}, description: 'This help', section: 'General', hint: {order: 8, keys: '?', label: 'help'}},
	{keys: ['q'], match: plain('q'), intent: {type: 'quit'}, description: 'Quit, asking if processes run; attached: detach', section: 'General', hint: {order: 8.5, keys: 'q', label: 'quit'}},
	{keys: ['Ctrl-C'], match: ctrl('c'), intent: {type: 'interrupt'}, description: 'Quit, asking first; again: force (SIGKILL)', section: 'General'},
];

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

/** The footer's hints, most important first. */
export const footerHints: ReadonlyArray<{readonly keys: string; readonly label: string}> = bindings
	.flatMap((binding) => (binding.hint === undefined ? [] : [binding.hint]))
	.sort((a, b) => a.order - b.order);

/** Hints that fit in `width` columns, separated by two spaces, in order of importance. */
export function fitHints(width: number): Array<{readonly keys: string; readonly label: string}> {
	const fitted: Array<{keys: string; label: string}> = [];
	let used = 0;
	for (const hint of footerHints) {
		const size = hint.keys.length + 1 + hint.label.length + (fitted.length === 0 ? 0 : 2);
		if (used + size > width) {
			continue;
		}

		fitted.push(hint);
		used += size;
	}

	return fitted;
}
