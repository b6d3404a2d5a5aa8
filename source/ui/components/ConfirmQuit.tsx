import {Text} from 'ink';
import {plural} from '../text/format.js';
import {Overlay} from './Overlay.js';

type Props = {
	/** Processes quitting would stop. */
	readonly live: number;
	readonly screenWidth: number;
	readonly screenHeight: number;
};

/** "Quit?" with what it means: the embedded supervisor stops its processes. (Attached, quitting only detaches and asks nothing.) */
export function ConfirmQuit({live, screenWidth, screenHeight}: Props) {
	return (
		<Overlay screenWidth={screenWidth} screenHeight={screenHeight} width={Math.min(56, screenWidth - 4)} height={7} title='Quit procui?' color='yellow'>
			<Text wrap='truncate-end'>This stops {plural(live, 'running process')} gracefully.</Text>
			<Text wrap='truncate-end'>
				<Text bold color='yellow'>y</Text>
				<Text>/</Text>
				<Text bold color='yellow'>q</Text>
				<Text>/</Text>
				<Text bold color='yellow'>Enter</Text>
				<Text> quit   </Text>
				<Text bold>n</Text>
				<Text>/</Text>
				<Text bold>Esc</Text>
				<Text> stay   </Text>
				<Text dimColor>Ctrl-C force</Text>
			</Text>
		</Overlay>
	);
}
