import {Text} from 'ink';
import {truncateColumns} from '../text/ansi-text.js';
import {Overlay} from './Overlay.js';

type Props = {
	readonly title: string;
	readonly lines: readonly string[];
	readonly scroll: number;
	readonly screenWidth: number;
	readonly screenHeight: number;
};

/** Rows of `lines` the overlay shows on a screen `screenHeight` rows tall. */
const visibleLines = (lines: readonly string[], screenHeight: number): number => Math.max(6, Math.min(lines.length + 4, screenHeight - 4)) - 4;

/** The last scroll position at which the overlay is still full. */
export function resultScrollMax(lines: readonly string[], screenHeight: number): number {
	return Math.max(0, lines.length - visibleLines(lines, screenHeight));
}

/** A command's multi-line reply (`:stats`, `:options web`), scrollable. */
export function ResultOverlay({title, lines, scroll, screenWidth, screenHeight}: Props) {
	const width = Math.max(20, screenWidth - 8);
	const visible = visibleLines(lines, screenHeight);
	const height = visible + 4;
	// The reducer bounds the scroll, but a resize since may have made the overlay taller.
	const start = Math.min(scroll, Math.max(0, lines.length - visible));
	return (
		<Overlay screenWidth={screenWidth} screenHeight={screenHeight} width={width} height={height} title={`${title}${lines.length > visible ? `  (${start + 1}-${start + visible} of ${lines.length})` : ''}`}>
			{lines.slice(start, start + visible).map((line, index) => (
				<Text key={start + index}>{truncateColumns(line, width - 4)}</Text>
			))}
		</Overlay>
	);
}
