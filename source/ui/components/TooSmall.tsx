import {Box, Text} from 'ink';
import type {WatcherRow} from '../../control/rows.js';
import {quitProgress} from '../state/quit-progress.js';
import type {UiState} from '../state/ui-state.js';
import {plural} from '../text/format.js';
import {minColumns, minRows} from './layout.js';

type Props = {
	readonly columns: number;
	readonly rows: number;
	readonly ui: Pick<UiState, 'modal' | 'quit'>;
	readonly watchers: readonly WatcherRow[];
	readonly now: number;
};

/**
The screen below the minimum size. It offers `q`, so quitting shows here in plain wrapped lines:
its question (the overlay would not fit) and then what the graceful stop is waiting for. Nothing
else of the layout is drawn.
*/
export function TooSmall({columns, rows, ui, watchers, now}: Props) {
	return (
		<Box flexDirection='column' width={columns} height={rows}>
			<Text wrap='wrap'>Terminal too small ({columns}×{rows}): procui needs {minColumns}×{minRows} at least, 80×24 or more to shine. q quits.</Text>
			{ui.modal.kind === 'confirm-quit' ? (
				<Text wrap='wrap' color='yellow'>Quit procui? This stops {plural(ui.modal.live, 'running process')} gracefully. y quits, n stays, Ctrl-C forces.</Text>
			) : null}
			{ui.quit === undefined ? null : <Text wrap='wrap' bold color='yellow'>{quitProgress(ui.quit, watchers, now)}</Text>}
		</Box>
	);
}
