/** The UI state resolved against what the supervisor reports now: which rows are selected, which log source and chart series follow. */
import type {Overview, ProcessRow, WatcherRow} from '../../control/rows.js';
import type {LogSource} from '../logs/log-source.js';
import type {UiState} from './ui-state.js';
import {selectedIndex} from './ui-reducer.js';

export type Selection = {
	readonly watchers: readonly string[];
	/** The selected watcher's pids, in wid order. */
	readonly pids: readonly number[];
	readonly watcher: WatcherRow | undefined;
	readonly process: ProcessRow | undefined;
};

export function resolveSelection(ui: UiState, overview: Overview | undefined): Selection {
	const rows = overview?.watchers ?? [];
	const watchers = rows.map((row) => row.name);
	const watcher = rows[selectedIndex(watchers, ui.watcher)];
	const pids = watcher?.processes.map((row) => row.pid) ?? [];
	const process = watcher?.processes[selectedIndex(pids, ui.pid)];
	return {watchers, pids, watcher, process};
}

/** Whose logs the pane shows. */
export function logSourceOf(ui: UiState, selection: Selection): LogSource {
	if (ui.logScope === 'all' || selection.watcher === undefined) {
		return ui.logScope === 'supervisor' ? {kind: 'supervisor'} : {kind: 'all'};
	}

	if (ui.logScope === 'supervisor') {
		return {kind: 'supervisor'};
	}

	if (ui.list === 'processes' && selection.process !== undefined) {
		return {kind: 'process', name: selection.watcher.name, pid: selection.process.pid};
	}

	return {kind: 'watcher', name: selection.watcher.name};
}

/**
Whose terminal the log pane can show and type into: the process shown, or the only process of
the watcher shown; none in pipe mode or for several processes (their lines interleave).
*/
export function terminalTargetOf(source: LogSource, selection: Selection): {readonly name: string; readonly pid: number} | undefined {
	const watcher = selection.watcher;
	if (watcher === undefined || !watcher.pty || (source.kind !== 'process' && source.kind !== 'watcher') || source.name !== watcher.name) {
		return undefined;
	}

	if (source.kind === 'process') {
		return {name: source.name, pid: source.pid};
	}

	return watcher.processes.length === 1 ? {name: watcher.name, pid: watcher.processes[0]!.pid} : undefined;
}

/** Whose history the charts draw: the selected process in the process list, else its watcher. */
export function chartTarget(ui: UiState, selection: Selection): {readonly watcher: string; readonly pid?: number; readonly label: string} | undefined {
	if (selection.watcher === undefined) {
		return undefined;
	}

	if (ui.list === 'processes' && selection.process !== undefined) {
		return {watcher: selection.watcher.name, pid: selection.process.pid, label: `${selection.watcher.name} ${selection.process.pid}`};
	}

	return {watcher: selection.watcher.name, label: selection.watcher.name};
}
