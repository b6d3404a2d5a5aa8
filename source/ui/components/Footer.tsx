import {memo} from 'react';
import {truncateColumns} from '../text/ansi-text.js';
import {asciiKeyNames, fitHints} from '../input/keymap.js';
import {paint} from '../style/sgr.js';
import {terminalCaps} from '../screen/terminal-caps.js';
import type {Focus} from '../state/ui-state.js';
import {Rows} from './Rows.js';

type Props = {
	readonly width: number;
	/** The pane with the keys: the hints are its keys. */
	readonly focus?: Focus;
	/** Hints of an open modal instead of the main keys: [keys, label] pairs. */
	readonly modalHints?: ReadonlyArray<readonly [string, string]>;
	/** A message instead of hints (a prompt's completions or error). */
	readonly message?: string;
};

/**
Key hints: the focused pane's most important keys that fit the width, then `? help` and `q quit`,
always. Built again only when its props change (memo), not with every stats event.
*/
export const Footer = memo(function Footer({width, focus = 'watchers', modalHints, message}: Props) {
	const keysOf = terminalCaps().unicode ? (keys: string) => keys : (keys: string) => asciiKeyNames[keys] ?? keys;
	const hints = modalHints === undefined ? fitHints(width, focus, keysOf) : modalHints.map(([keys, label]) => ({keys: keysOf(keys), label}));
	const line = message === undefined
		? hints.map((hint) => `${paint(hint.keys, {bold: true, color: 'cyan'})} ${paint(hint.label, {color: 'gray'})}`).join('  ')
		: paint(message, {color: 'yellow'});
	return <Rows rows={[truncateColumns(line, width)]} width={width}/>;
});
