import {sliceColumns, textWidth} from '../text/ansi-text.js';
import {paint} from '../style/sgr.js';
import type {PromptPurpose} from '../state/ui-state.js';
import {Rows} from './Rows.js';

type Props = {
	readonly purpose: PromptPurpose;
	readonly text: string;
	readonly width: number;
};

/** The `:` or `/` prompt, with a block cursor at the end; long text scrolls left. */
export function PromptLine({purpose, text, width}: Props) {
	const room = Math.max(1, width - 3);
	const shown = textWidth(text) > room ? sliceColumns(text, textWidth(text) - room) : text;
	return <Rows rows={[paint(purpose === 'command' ? ':' : '/', {bold: true, color: 'cyan'}) + shown + paint(' ', {inverse: true})]} width={width}/>;
}
