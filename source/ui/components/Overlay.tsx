import {Box, Text} from 'ink';
import type {ReactNode} from 'react';

type Props = {
	/** The screen's size, to centre the box. */
	readonly screenWidth: number;
	readonly screenHeight: number;
	/** Outer size of the box. */
	readonly width: number;
	readonly height: number;
	readonly title: string;
	readonly color?: string;
	readonly children: ReactNode;
};

/**
A box drawn over the main screen, centred. Ink draws later siblings over earlier ones, but only
where they have text: every row is filled with spaces first, so nothing shows through.
*/
export function Overlay({screenWidth, screenHeight, width, height, title, color = 'cyan', children}: Props) {
	const boxWidth = Math.min(width, screenWidth);
	const boxHeight = Math.min(height, screenHeight);
	return (
		<Box position='absolute' marginLeft={Math.max(0, Math.floor((screenWidth - boxWidth) / 2))} marginTop={Math.max(0, Math.floor((screenHeight - boxHeight) / 3))} width={boxWidth} height={boxHeight} flexDirection='column'>
			<Box position='absolute' flexDirection='column' width={boxWidth} height={boxHeight}>
				{Array.from({length: boxHeight}, (_, index) => <Text key={index}>{' '.repeat(boxWidth)}</Text>)}
			</Box>
			<Box borderStyle='round' borderColor={color} flexDirection='column' width={boxWidth} height={boxHeight} paddingX={1}>
				<Text bold color={color} wrap='truncate-end'>{title}</Text>
				<Text> </Text>
				{children}
			</Box>
		</Box>
	);
}
