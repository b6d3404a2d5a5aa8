import {Text} from 'ink';
import {padColumns} from '../text/ansi-text.js';
import {signalChoices} from '../input/signals.js';
import {Overlay} from './Overlay.js';

type Props = {
	readonly index: number;
	readonly target: {readonly name: string; readonly pid?: number};
	readonly screenWidth: number;
	readonly screenHeight: number;
};

/** The `K` dialog: a signal for the selected process, or for every process of the watcher. */
export function SignalPicker({index, target, screenWidth, screenHeight}: Props) {
	const whom = target.pid === undefined ? `every process of ${target.name}` : `process ${target.pid} of ${target.name}`;
	const width = Math.min(64, screenWidth - 4);
	return (
		<Overlay screenWidth={screenWidth} screenHeight={screenHeight} width={width} height={signalChoices.length + 5} title={`Send a signal to ${whom}`}>
			{signalChoices.map((choice, row) => (
				<Text key={choice.name} inverse={row === index} wrap='truncate-end'>
					<Text bold>{padColumns(` ${choice.name}`, 10)}</Text>
					<Text dimColor={row !== index}>{padColumns(choice.hint, width - 14)}</Text>
				</Text>
			))}
		</Overlay>
	);
}
