import {useCallback, useRef, type Dispatch} from 'react';
import {formatCtlReply, supersededBy} from '../../control/ctl-format.js';
import {isErrorReply, type Properties, type Reply} from '../../control/protocol.js';
import type {SupervisorClient} from '../../control/supervisor-client.js';
import type {UiAction} from '../state/ui-reducer.js';

/** Send a command to the supervisor, showing its progress and result in the status line. */
export type RunCommand = (label: string, command: string, properties?: Properties) => Promise<Reply | undefined>;

/** How long a command took, for the status line: `0.4 s`, `12 s`. */
function elapsed(startedAt: number): string {
	const seconds = (Date.now() - startedAt) / 1000;
	return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** A one-line summary of an ok reply: what changed, when the reply says more than "ok". */
export function summarize(command: string, reply: Reply): string {
	const superseded = supersededBy(reply);
	if (superseded !== undefined) {
		return `superseded by \`${superseded}\``;
	}

	const text = formatCtlReply(command, reply);
	if (command === 'incr' || command === 'decr') {
		return `${text} process${text === '1' ? '' : 'es'}`;
	}

	return text.includes('\n') ? 'ok' : text;
}

/** Every action goes through here: a command on the supervisor's scheduler, via the client. */
export function useCommands(client: SupervisorClient, dispatch: Dispatch<UiAction>): RunCommand {
	const nextId = useRef(0);
	return useCallback<RunCommand>(async (label, command, properties = {}) => {
		const id = ++nextId.current;
		const startedAt = Date.now();
		dispatch({type: 'command-started', id, text: `${label}…`, time: startedAt});
		try {
			const reply = await client.call(command, properties);
			if (isErrorReply(reply)) {
				dispatch({type: 'command-finished', id, ok: false, text: `${label}: ${reply.reason}`, time: Date.now()});
			} else {
				const summary = summarize(command, reply);
				dispatch({type: 'command-finished', id, ok: true, text: `${label}${summary === 'ok' ? '' : `: ${summary}`} (${elapsed(startedAt)})`, time: Date.now()});
			}

			return reply;
		} catch (error) {
			dispatch({type: 'command-finished', id, ok: false, text: `${label}: ${error instanceof Error ? error.message : String(error)}`, time: Date.now()});
			return undefined;
		}
	}, [client, dispatch]);
}
