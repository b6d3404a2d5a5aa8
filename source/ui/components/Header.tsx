import os from 'node:os';
import path from 'node:path';
import type {Overview} from '../../control/rows.js';
import {textWidth, truncateColumns} from '../text/ansi-text.js';
import {formatBytes, formatPercent, plural} from '../text/format.js';
import type {UiMode} from '../hooks/use-quit.js';
import {paint} from '../style/sgr.js';
import {liveProcessCount} from '../style/watcher-state.js';
import {Rows} from './Rows.js';

type Props = {
	readonly overview: Overview | undefined;
	readonly mode: UiMode;
	/** When the last overview arrived; 0 before the first. */
	readonly statsAt: number;
	readonly now: number;
	readonly lost: string | undefined;
	readonly width: number;
};

/** A path as a person would type it: relative to here, or with ~ for home. */
function shortPath(file: string): string {
	if (!path.isAbsolute(file)) {
		return file;
	}

	const relative = path.relative(process.cwd(), file);
	if (!relative.startsWith('..') && relative !== '') {
		return relative;
	}

	const home = os.homedir();
	return file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}

/** Without a stats event for this long, the header says so (they come every second). */
export const staleAfterMs = 3000;

/** One row: the configuration, counts, total CPU and memory, the endpoint and the mode. */
export function Header({overview, mode, statsAt, now, lost, width}: Props) {
	const watchers = overview?.watchers ?? [];
	const cpu = watchers.reduce((sum, watcher) => sum + watcher.cpu, 0);
	const rss = watchers.reduce((sum, watcher) => sum + watcher.rss, 0);
	const processes = liveProcessCount(watchers);
	const stale = statsAt > 0 && now - statsAt > staleAfterMs;
	const badge = mode === 'embedded' ? ' EMBEDDED ' : ' ATTACHED ';
	const endpoint = overview?.endpoint ?? '';
	// Disconnected: the last totals may no longer be true, so they read unknown, as the rows do.
	const known = lost === undefined;
	const watcherCount = known ? plural(watchers.length, 'watcher') : '? watchers';
	const totals = known ? `CPU ${formatPercent(cpu)} · MEM ${formatBytes(rss)}` : 'CPU ? · MEM ?';
	const long = overview === undefined
		? 'connecting…'
		: `${shortPath(overview.config)} · ${watcherCount} · ${known ? plural(processes, 'process') : '? processes'} · ${totals}`;
	// Narrow terminals: the same facts, shorter.
	const short = overview === undefined
		? long
		: `${path.basename(overview.config)} · ${watcherCount} · ${known ? processes : '?'} procs · ${totals}`;
	let warning = '';
	if (lost !== undefined) {
		warning = ` ✖ ${lost}`;
	} else if (stale) {
		warning = ` ⚠ no update for ${Math.round((now - statsAt) / 1000)} s`;
	}

	// " procui " + " " + info + warning + gap (≥ 1) + endpoint + " " + badge
	const room = Math.max(0, width - 8 - 1 - 1 - 1 - textWidth(badge));
	const infoRoom = Math.max(0, room - textWidth(warning));
	const info = truncateColumns(textWidth(long) <= infoRoom ? long : short, infoRoom);
	const endpointRoom = room - textWidth(info) - textWidth(warning) - 1;
	// Half an endpoint is no use: all of it, or none (the help shows it too).
	const shownEndpoint = textWidth(endpoint) <= endpointRoom ? endpoint : '';
	const gap = Math.max(1, room + 1 - textWidth(info) - textWidth(warning) - textWidth(shownEndpoint));
	const line = paint(' procui ', {inverse: true, bold: true, color: 'cyan'}) + ` ${info}` + paint(warning, {color: lost === undefined ? 'yellow' : 'red'})
		+ ' '.repeat(gap) + paint(shownEndpoint, {color: 'gray'}) + ' ' + paint(badge, {inverse: true, color: mode === 'embedded' ? 'green' : 'blue'});
	return <Rows rows={[line]} width={width}/>;
}
