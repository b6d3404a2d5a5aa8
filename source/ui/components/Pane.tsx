import {Box} from 'ink';
import type {ReactNode} from 'react';
import {textWidth, truncateColumns} from '../text/ansi-text.js';
import {paint, type Color} from '../style/sgr.js';
import {terminalCaps} from '../screen/terminal-caps.js';
import {Rows} from './Rows.js';

type Props = {
	/** Shown in the top border, left. */
	readonly title: string;
	/** Shown in the top border, right (dim). */
	readonly right?: string;
	/** Outer size, borders included. */
	readonly width: number;
	readonly height: number;
	/** Keys go here: the border is highlighted. */
	readonly focused: boolean;
	readonly children?: ReactNode;
};

/** A box with a rounded border and a title in its top edge; content is (width-2)×(height-2). Without colours the focused pane's title is underlined. */
export function Pane({title, right = '', width, height, focused, children}: Props) {
	const color: Color = focused ? 'cyan' : 'gray';
	// ╭─ TITLE ─…─ RIGHT ─╮: six columns of frame around the title.
	const room = Math.max(0, width - 6);
	const shownTitle = truncateColumns(title, room);
	const rightRoom = Math.max(0, room - textWidth(shownTitle) - 3);
	const shownRight = rightRoom >= 4 ? truncateColumns(right, rightRoom) : '';
	const fill = Math.max(0, room - textWidth(shownTitle) - (shownRight === '' ? 0 : textWidth(shownRight) + 2));
	const top = paint('╭─ ', {color}) + paint(shownTitle, {bold: focused, underline: focused && !terminalCaps().color, color: focused ? 'cyanBright' : 'white'}) + paint(` ${'─'.repeat(fill)}`, {color})
		+ (shownRight === '' ? '' : ` ${paint(shownRight, {color: 'gray'})} `) + paint('─╮', {color});
	return (
		<Box flexDirection='column' width={width} height={height} flexShrink={0}>
			<Rows rows={[top]} width={width}/>
			<Box borderStyle='round' borderTop={false} borderColor={color} flexDirection='column' width={width} height={height - 1}>
				{children}
			</Box>
		</Box>
	);
}
