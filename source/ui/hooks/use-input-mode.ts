/**
Input mode: every key goes to the process shown, as procui's terminal sent it (read from Ink's raw
input events, so nothing is lost in Ink's key parsing), until Ctrl-]. Keys are sent in the order
typed, each `input` after the one before; a refusal goes to the status line. Input mode ends by
itself when the process is no longer shown.
*/
import type {EventEmitter} from 'node:events';
import {useCallback, useEffect, useRef, useState, type MutableRefObject} from 'react';
import type {LiveStore} from '../live-store.js';
import type {UiAction} from '../ui-reducer.js';

/** Leaves input mode: Ctrl-], a key no shell, editor or REPL needs (telnet's escape). */
export const leaveInputKey = '\u001D';

export type InputModeOptions = {
	readonly store: LiveStore;
	/** The process whose terminal is shown, as a key; '' when none. */
	readonly terminalKey: string;
	readonly dispatch: (action: UiAction) => void;
	/** Ink's raw input events (`useStdin().internal_eventEmitter`). */
	readonly inputEvents: EventEmitter | undefined;
	/** Told when input mode begins or ends (procui's terminal then sends pastes bracketed, or not). */
	readonly onInputMode?: (on: boolean) => void;
};

export function useInputMode({store, terminalKey, dispatch, inputEvents, onInputMode}: InputModeOptions): {typing: boolean; typingRef: MutableRefObject<boolean>; setInputMode: (on: boolean) => void} {
	const [typing, setTyping] = useState(false);
	const typingRef = useRef(false);
	typingRef.current = typing;
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
	useEffect(() => {
		if (!typing || inputEvents === undefined) {
			return;
		}

		// Each write waits for the one before, so keys arrive in the order typed.
		let queue = Promise.resolve();
		const onData = (data: string): void => {
			const leave = data.indexOf(leaveInputKey);
			const keys = leave === -1 ? data : data.slice(0, leave);
			if (leave !== -1) {
				setInputMode(false);
			}

			if (keys !== '') {
				queue = queue.then(async () => {
					const refused = await store.terminal.type(keys);
					if (refused !== undefined) {
						dispatch({type: 'notice', id: 0, tone: 'error', text: `input: ${refused}`, time: Date.now()});
					}
				});
			}
		};

		inputEvents.on('input', onData);
		return () => {
			inputEvents.removeListener('input', onData);
		};
	}, [typing, inputEvents, store, setInputMode, dispatch]);

	return {typing, typingRef, setInputMode};
}
