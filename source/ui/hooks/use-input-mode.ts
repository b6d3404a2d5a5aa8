/**
Input mode: every key goes to the process shown, as procui's terminal sent it (read from Ink's raw
input events, so nothing is lost in Ink's key parsing), until Ctrl-]. Keys are sent in the order
typed, each `input` after the one before; a refusal goes to the status line. Input mode ends by
itself when the process is no longer shown.
*/
import type {EventEmitter} from 'node:events';
import {useCallback, useEffect, useRef, useState, type MutableRefObject} from 'react';
import type {LiveStore} from '../live/live-store.js';
import type {UiAction} from '../state/ui-reducer.js';

/** Leaves input mode: Ctrl-], a key no shell, editor or REPL needs (telnet's escape). */
const leaveInputKey = '\u001D';

type InputModeOptions = {
	readonly store: LiveStore;
	/** The process whose terminal is shown, as a key; '' when none. */
	readonly terminalKey: string;
	readonly dispatch: (action: UiAction) => void;
	/** Ink's raw input events (`useStdin().internal_eventEmitter`). */
	readonly inputEvents: EventEmitter | undefined;
	/** Told when input mode begins or ends (procui's terminal then sends pastes bracketed, or not). */
	readonly onInputMode?: (on: boolean) => void;
};

export function useInputMode({store, terminalKey, dispatch, inputEvents, onInputMode}: InputModeOptions): {typing: boolean; typingRef: MutableRefObject<boolean>; setInputMode: (on: boolean) => void; send: (data: string) => void} {
	const [typing, setTyping] = useState(false);
	// Set at once by setInputMode (not at the next render): keys in the same read must see it.
	const typingRef = useRef(false);
	const setInputMode = useCallback((on: boolean) => {
		typingRef.current = on;
		setTyping(on);
		onInputMode?.(on);
	}, [onInputMode]);
	useEffect(() => {
		if (typing && terminalKey === '') {
			setInputMode(false);
			dispatch({type: 'notice', id: 0, tone: 'info', text: 'input mode ended: the process is gone', time: Date.now()});
		}
	}, [typing, terminalKey, setInputMode, dispatch]);
	// Each write waits for the one before, so keys arrive in the order typed.
	const queue = useRef(Promise.resolve());
	/** Send what procui's terminal sent (Ctrl-] in it ends input mode; what follows it is dropped). */
	const send = useCallback((data: string): void => {
		const leave = data.indexOf(leaveInputKey);
		const keys = leave === -1 ? data : data.slice(0, leave);
		if (leave !== -1) {
			setInputMode(false);
		}

		if (keys !== '') {
			queue.current = queue.current.then(async () => {
				const refused = await store.terminal.type(keys);
				if (refused !== undefined) {
					dispatch({type: 'notice', id: 0, tone: 'error', text: `input: ${refused}`, time: Date.now()});
				}
			});
		}
	}, [store, setInputMode, dispatch]);
	// Listening all along, and first (prepended): keys typed right after `i` are not lost while the
	// frame that shows input mode is drawn, and the `i` itself is not sent (at that moment input
	// mode is still off when this sees it; Ink's key handler, after it, turns it on).
	useEffect(() => {
		if (inputEvents === undefined) {
			return;
		}

		const onData = (data: string): void => {
			if (typingRef.current) {
				send(data);
			}
		};

		inputEvents.prependListener('input', onData);
		return () => {
			inputEvents.removeListener('input', onData);
		};
	}, [inputEvents, send]);

	return {typing, typingRef, setInputMode, send};
}
