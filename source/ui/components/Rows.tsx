import {Text, Transform} from 'ink';
import {useCallback, useMemo} from 'react';

type Props = {
	/** Lines already fitted to `width` columns; SGR colours allowed. */
	readonly rows: readonly string[];
	readonly width: number;
	/** Lines to take up (default: as many as `rows`). */
	readonly height?: number;
};

/**
Lines of text procui composed itself, drawn by Ink without Ink measuring them.

Ink keeps every distinct string it ever measures in a module-level cache that is never emptied
(ink 6.8 `measure-text.js`, `wrap-text.js`; vadimdemedes/ink#986): a log pane under a flood, or a
table whose ages tick every second, would grow the heap without end. Here Ink lays out and
measures a blank block of the same size (one string per size, measured once) and a <Transform>
swaps each of its lines for the real one as the frame is written.
*/
export function Rows({rows, width, height = rows.length}: Props) {
	const blank = useMemo(() => Array.from({length: Math.max(0, height)}, () => ' '.repeat(Math.max(0, width))).join('\n'), [width, height]);
	const transform = useCallback((_line: string, index: number) => rows[index] ?? '', [rows]);
	if (height <= 0 || width <= 0) {
		return null;
	}

	return (
		<Transform transform={transform}>
			<Text>{blank}</Text>
		</Transform>
	);
}
