/**
What a mouse event does, given what is under it (components/hit-test.ts): a left click selects a
watcher or a process, or focuses the pane clicked; the wheel scrolls the logs (three lines a
notch) and moves the selection of a list. An open modal takes the mouse as it takes the keys:
help and a command's result scroll with the wheel, the others ignore it. In input mode nothing
happens (and nothing reaches the process: see mouse-stdin.ts).
*/
import type {Hit} from '../components/hit-test.js';
import {selectedIndex} from '../state/ui-reducer.js';
import {extent, type KeyContext} from './key-context.js';
import {scroll} from './key-handler.js';
import type {MouseEvent} from './mouse.js';

/** Log lines one notch of the wheel scrolls. */
export const wheelLines = 3;

export function handleMouse(context: KeyContext, event: MouseEvent, hit: Hit | undefined): void {
	const {ui, dispatch, selection} = context;
	if (ui.modal.kind !== 'none') {
		if (event.kind === 'wheel' && (ui.modal.kind === 'help' || ui.modal.kind === 'result')) {
			dispatch({type: 'modal-scroll', delta: event.wheel * wheelLines, max: context.modalScrollMax(ui.modal)});
		}

		return;
	}

	if (hit === undefined || (event.kind !== 'wheel' && !(event.kind === 'press' && event.button === 'left'))) {
		return;
	}

	if (ui.copy !== undefined) {
		if (hit.pane === 'logs' && event.kind === 'wheel') {
			dispatch({type: 'copy-move', delta: event.wheel * wheelLines, extent: extent(context)});
			return;
		}

		if (hit.pane !== 'watchers' && hit.pane !== 'processes') {
			return;
		}

		// A click or the wheel on a list leaves copy mode for it.
		dispatch({type: 'copy-end'});
	}

	const {watchers, pids} = selection;
	switch (hit.pane) {
		case 'watchers':
		case 'processes': {
			if (event.kind === 'wheel') {
				const current = hit.pane === 'watchers' ? selectedIndex(watchers, selection.watcher?.name) : selectedIndex(pids, selection.process?.pid);
				dispatch({type: 'select', list: hit.pane, index: current + event.wheel, watchers, pids});
			} else {
				dispatch({type: 'select', list: hit.pane, index: hit.index, watchers, pids});
			}

			return;
		}

		case 'logs': {
			if (event.kind === 'wheel') {
				scroll(context, event.wheel * wheelLines);
			} else {
				dispatch({type: 'set-focus', focus: 'logs'});
			}

			return;
		}

		case 'charts': {
			// Nothing to pick there.
		}
	}
}
