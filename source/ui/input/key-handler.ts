/**
What a keypress does, given everything it may touch. An open modal (prompt, signal picker, quit
confirmation, help, a command's result) takes the keys first; otherwise the key table decides.
Supervisor actions go through `run` (a command on the supervisor's scheduler); everything else
is a reducer action.
*/
import type {Key} from 'ink';
import {copyKey, saveLog, startCopy} from './copy-keys.js';
import {extent, notice, type KeyContext} from './key-context.js';
import {resolveKey, type Intent} from './keymap.js';
import {promptKey, searchNext} from './prompt-keys.js';
import {signalChoices} from './signals.js';

export type {KeyContext} from './key-context.js';

const isCtrlC = (input: string, key: Key): boolean => key.ctrl && input === 'c';

export function handleKey(context: KeyContext, input: string, key: Key): void {
	const {ui, dispatch} = context;
	if (isCtrlC(input, key)) {
		context.quit(ui.quit !== undefined || ui.modal.kind === 'confirm-quit' ? 'force' : 'ask');
		return;
	}

	switch (ui.modal.kind) {
		case 'prompt': {
			promptKey(context, input, key);
			return;
		}

		case 'signal': {
			signalKey(context, input, key);
			return;
		}

		case 'confirm-quit': {
			if (input === 'y' || input === 'Y' || input === 'q' || key.return) {
				context.quit('confirmed');
			} else if (input === 'n' || input === 'N' || key.escape) {
				dispatch({type: 'close-modal'});
			}

			return;
		}

		case 'help':
		case 'result': {
			if (key.escape || input === 'q' || input === '?' || key.return) {
				dispatch({type: 'close-modal'});
			} else if (key.upArrow || input === 'k') {
				dispatch({type: 'modal-scroll', delta: -1, max: context.modalScrollMax(ui.modal)});
			} else if (key.downArrow || input === 'j') {
				dispatch({type: 'modal-scroll', delta: 1, max: context.modalScrollMax(ui.modal)});
			} else if (key.pageUp) {
				dispatch({type: 'modal-scroll', delta: -10, max: context.modalScrollMax(ui.modal)});
			} else if (key.pageDown || input === ' ') {
				dispatch({type: 'modal-scroll', delta: 10, max: context.modalScrollMax(ui.modal)});
			}

			return;
		}

		case 'none': {
			break;
		}
	}

	if (ui.copy !== undefined) {
		copyKey(context, input, key);
		return;
	}

	const intent = resolveKey(input, key);
	if (intent !== undefined) {
		act(context, intent);
	}
}

function act(context: KeyContext, intent: Intent): void {
	const {ui, dispatch, selection, store} = context;
	const inLogs = ui.focus === 'logs';
	switch (intent.type) {
		case 'move': {
			if (inLogs) {
				scroll(context, intent.delta);
			} else {
				dispatch({type: 'move', delta: intent.delta, watchers: selection.watchers, pids: selection.pids});
			}

			return;
		}

		case 'page': {
			scroll(context, intent.delta * Math.max(1, context.page - 1));
			return;
		}

		case 'edge': {
			if (!inLogs) {
				dispatch({type: 'select-edge', to: intent.to, watchers: selection.watchers, pids: selection.pids});
			} else if (intent.to === 'bottom') {
				dispatch({type: 'log-edge', to: 'bottom', extent: extent(context)});
			} else {
				dispatch({type: 'log-edge', to: 'top', extent: extent(context)});
				if (store.loadOlder(true)) {
					context.wantTop();
				}
			}

			return;
		}

		case 'hscroll': {
			dispatch({type: 'hscroll', delta: intent.delta, max: context.hscrollMax(ui)});
			return;
		}

		case 'focus': {
			dispatch({type: 'focus', direction: intent.direction});
			return;
		}

		case 'open': {
			dispatch({type: 'open', pids: selection.pids});
			return;
		}

		case 'back': {
			dispatch({type: 'back'});
			return;
		}

		case 'command': {
			watcherCommand(context, intent.command);
			return;
		}

		case 'signal': {
			if (selection.watcher === undefined) {
				notice(context, 'warn', 'no watcher selected');
				return;
			}

			const pid = ui.list === 'processes' ? selection.process?.pid : undefined;
			dispatch({type: 'open-signal', target: pid === undefined ? {name: selection.watcher.name} : {name: selection.watcher.name, pid}});
			return;
		}

		case 'prompt': {
			dispatch({type: 'open-prompt', purpose: intent.purpose});
			return;
		}

		case 'search-next': {
			searchNext(context, intent.direction);
			return;
		}

		case 'toggle': {
			dispatch({type: 'toggle', option: intent.option, extent: extent(context)});
			return;
		}

		case 'logs': {
			if (intent.scope === 'supervisor' && context.mode === 'attached') {
				notice(context, 'info', 'procui\'s own log is the daemon\'s --log-output (stderr by default)');
				return;
			}

			dispatch({type: 'log-scope', scope: intent.scope});
			return;
		}

		case 'input': {
			context.enterInput();
			return;
		}

		case 'view': {
			context.toggleView();
			return;
		}

		case 'copy': {
			startCopy(context);
			return;
		}

		case 'save': {
			saveLog(context);
			return;
		}

		case 'yank': {
			// Only copy mode's table has it (copy-keys.ts).
			return;
		}

		case 'help': {
			dispatch({type: 'open-help'});
			return;
		}

		case 'quit': {
			context.quit('ask');
			return;
		}

		case 'interrupt': {
			context.quit('ask');
		}
	}
}

/** Scroll the log pane by `delta` lines (up is negative), fetching older lines near the top. */
export function scroll(context: KeyContext, delta: number): void {
	const {ui, store} = context;
	context.dispatch({type: 'scroll', delta, extent: extent(context)});
	const bottom = (ui.follow ? store.logs.end : ui.anchor) + delta;
	if (delta < 0 && bottom - context.page <= store.logs.start) {
		store.loadOlder();
	}
}

function watcherCommand(context: KeyContext, command: (Intent & {type: 'command'})['command']): void {
	if (context.ui.quit !== undefined) {
		notice(context, 'warn', 'quitting: no more commands');
		return;
	}

	if (command === 'reloadconfig') {
		void context.run('reload configuration', 'reloadconfig', {});
		return;
	}

	const watcher = context.selection.watcher;
	if (watcher === undefined) {
		notice(context, 'warn', 'no watcher selected');
		return;
	}

	const properties = command === 'incr' || command === 'decr' ? {name: watcher.name, nb: 1} : {name: watcher.name};
	void context.run(`${command} ${watcher.name}`, command, properties);
}

function signalKey(context: KeyContext, input: string, key: Key): void {
	const {ui, dispatch} = context;
	if (ui.modal.kind !== 'signal') {
		return;
	}

	if (key.escape || input === 'q') {
		dispatch({type: 'close-modal'});
	} else if (key.upArrow || input === 'k') {
		dispatch({type: 'signal-move', delta: -1, count: signalChoices.length});
	} else if (key.downArrow || input === 'j') {
		dispatch({type: 'signal-move', delta: 1, count: signalChoices.length});
	} else if (key.return) {
		const {target} = ui.modal;
		const signal = signalChoices[ui.modal.index]!.name;
		dispatch({type: 'close-modal'});
		const whom = target.pid === undefined ? target.name : `${target.name} ${target.pid}`;
		void context.run(`${signal} → ${whom}`, 'signal', {...target, signum: signal});
	}
}
