import {useMemo} from 'react';
import type {LogBuffer} from '../logs/log-buffer.js';
import {viewBottom, visibleRows, type LogRowOptions} from '../logs/log-rows.js';
import {sourceTitle} from '../logs/log-source.js';
import type {LogState} from '../live/live-store.js';
import type {CopySelection} from '../state/ui-state.js';
import {padColumns, stripAnsi, truncateColumns} from '../text/ansi-text.js';
import {paint} from '../style/sgr.js';
import {Pane} from './Pane.js';
import {Rows} from './Rows.js';

type Props = {
	readonly buffer: LogBuffer;
	readonly log: LogState;
	/** The buffer's version: rows are recomputed only when it, the position or the options change. */
	readonly version: number;
	readonly follow: boolean;
	/** Absolute index after the last line shown, when not following. */
	readonly anchor: number;
	readonly wrap: boolean;
	readonly timestamps: boolean;
	readonly hscroll: number;
	/** Text to highlight. */
	readonly query: string;
	readonly currentMatch: number | undefined;
	/** "match 3 of 12", "not found". */
	readonly searchMessage: string | undefined;
	readonly prefix: LogRowOptions['prefix'];
	readonly prefixWidth: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	/** The process's terminal screen, shown instead of the lines (a full-screen program). */
	readonly screen?: readonly string[];
	/** For a process with a terminal: the view shown (`T` switches), named in the title. */
	readonly view?: 'screen' | 'lines';
	/** Keys go to the process (input mode). */
	readonly typing?: boolean;
	/** Copy mode: the selected lines are highlighted (as plain text, which is what `y` copies), the cursor's more. */
	readonly copy?: CopySelection;
};

/** The rows with copy mode's selection marked. */
function markSelection(rows: readonly string[], entries: readonly number[], copy: CopySelection, width: number): string[] {
	const low = Math.min(copy.from, copy.cursor);
	const high = Math.max(copy.from, copy.cursor);
	return rows.map((row, index) => {
		const entry = entries[index]!;
		if (entry < low || entry > high) {
			return row;
		}

		return paint(padColumns(stripAnsi(row), width), entry === copy.cursor ? {inverse: true, color: 'cyan'} : {inverse: true});
	});
}

/** The log pane: only the rows that fit are computed, from the bottom (or the scrolled-to line) up. */
export function LogPane(props: Props) {
	const {buffer, log, version, follow, anchor, wrap, timestamps, hscroll, query, currentMatch, prefix, prefixWidth, width, height} = props;
	const innerWidth = Math.max(1, width - 2);
	const innerHeight = Math.max(1, height - 2);
	const bottom = viewBottom(buffer, follow, anchor, innerHeight);
	const {copy} = props;
	const rows = useMemo(
		() => {
			const view = visibleRows(buffer, bottom, {width: innerWidth, height: innerHeight, wrap, timestamps, hscroll, query, currentMatch, prefix, prefixWidth, startOfTall: !follow});
			return copy === undefined ? view.rows : markSelection(view.rows, view.entries, copy, innerWidth);
		},
		// `version` stands for the buffer's content, which changes in place.
		[buffer, version, bottom, innerWidth, innerHeight, wrap, timestamps, hscroll, query, currentMatch, prefix, prefixWidth, follow, copy],
	);
	const flags = props.screen === undefined ? [
		props.view ?? '',
		props.typing ? 'INPUT: keys go to the process' : '',
		copy === undefined ? '' : `COPY: ${Math.abs(copy.cursor - copy.from) + 1} selected, y copies`,
		follow ? 'following' : `paused${buffer.end > bottom ? ` · ${buffer.end - bottom} newer` : ''}`,
		wrap ? 'wrap' : hscroll > 0 ? `→${hscroll}` : '',
		timestamps ? 'time' : '',
		props.searchMessage === undefined ? '' : `/${query}: ${props.searchMessage}`,
		log.loading ? 'loading…' : '',
	].filter((flag) => flag !== '') : ['screen', props.typing ? 'INPUT: keys go to the process' : ''].filter((flag) => flag !== '');
	let placeholder: string | undefined;
	if (props.screen !== undefined) {
		return (
			<Pane title={`Logs · ${sourceTitle(log.source)}`} right={flags.join(' · ')} width={width} height={height} focused={props.focused}>
				<Rows rows={props.screen} width={innerWidth} height={innerHeight}/>
			</Pane>
		);
	}

	if (buffer.size === 0) {
		placeholder = log.error === undefined ? (log.loading ? 'loading…' : 'no output yet') : `cannot read logs: ${log.error}`;
	}

	return (
		<Pane title={`Logs · ${sourceTitle(log.source)}`} right={flags.join(' · ')} width={width} height={height} focused={props.focused}>
			<Rows rows={placeholder === undefined ? rows : [paint(truncateColumns(placeholder, innerWidth), {color: log.error === undefined ? 'gray' : 'red'})]} width={innerWidth} height={innerHeight}/>
		</Pane>
	);
}
