import {truncateColumns} from '../ansi-text.js';
import {fitHints} from '../keymap.js';
import {paint} from '../sgr.js';
import {Rows} from './Rows.js';

type Props = {
	readonly width: number;
	/** Hints of an open modal instead of the main keys: [keys, label] pairs. */
	readonly modalHints?: ReadonlyArray<readonly [string, string]>;
	/** A message instead of hints (a prompt's completions or error). */
	readonly message?: string;
};

/** Key hints: the most important keys of the key table that fit the width. */
export function Footer({width, modalHints, message}: Props) {
	const hints = modalHints === undefined ? fitHints(width) : modalHints.map(([keys, label]) => ({keys, label}));
	const line = message === undefined
		? hints.map((hint) => `${paint(hint.keys, {bold: true, color: 'cyan'})} ${paint(hint.label, {color: 'gray'})}`).join('  ')
		: paint(message, {color: 'yellow'});
	return <Rows rows={[truncateColumns(line, width)]} width={width}/>;
}
