import {useCallback, useEffect, useRef, type Dispatch} from 'react';
import {defaultGracefulTimeout} from '../../control/option-defaults.js';
import {isErrorReply} from '../../control/protocol.js';
import type {Overview} from '../../control/rows.js';
import type {SupervisorClient} from '../../control/supervisor-client.js';
import type {UiAction} from '../state/ui-reducer.js';
import type {UiState} from '../state/ui-state.js';
import {liveProcessCount} from '../style/watcher-state.js';

/** `ask`: confirm first when processes run; `confirmed`: go; `force`: SIGKILL everything (embedded) and go. */
export type QuitKind = 'ask' | 'confirmed' | 'force';

/** Quit requests from outside the UI (SIGTERM, SIGHUP): a first one quits gracefully, `force` is a second one. */
export type QuitRequests = {
	subscribe(listener: (force: boolean) => void): () => void;
};

export type UiMode = 'embedded' | 'attached';

/** After a forced quit, how long to wait for the supervisor before leaving anyway. */
const forceGraceMs = 3000;

type QuitOptions = {
	readonly client: SupervisorClient;
	readonly mode: UiMode;
	readonly ui: UiState;
	readonly overview: Overview | undefined;
	/** The connection is gone: nothing to ask about. */
	readonly lost: string | undefined;
	readonly dispatch: Dispatch<UiAction>;
	/** The one way out. */
	readonly onExit: () => void;
	readonly requests?: QuitRequests;
};

/**
The quit flow, in one place. Embedded: after a confirmation when processes run, `quit` on the
supervisor stops every watcher gracefully (the status line counts down each watcher's
graceful_timeout), then the UI exits; a second Ctrl-C or signal sends SIGKILL to every watcher's
processes. Attached: detach at once, without asking, since the supervisor and its processes keep
running.
*/
export function useQuit(options: QuitOptions): (kind: QuitKind) => void {
	const latest = useRef(options);
	latest.current = options;
	const exited = useRef(false);

	const exit = useCallback(() => {
		if (!exited.current) {
			exited.current = true;
			latest.current.onExit();
		}
	}, []);

	const quit = useCallback((kind: QuitKind) => {
		const {client, mode, ui, overview, dispatch, lost} = latest.current;
		const watchers = overview?.watchers ?? [];
		if (mode === 'attached' || lost !== undefined) {
			// Detaching loses nothing (every process keeps running under the daemon): no question asked.
			dispatch({type: 'quit-started', phase: 'detaching', time: Date.now()});
			exit();
			return;
		}

		if (kind === 'ask') {
			if (ui.quit !== undefined) {
				return;
			}

			const live = liveProcessCount(watchers);
			if (live > 0) {
				dispatch({type: 'confirm-quit', live});
				return;
			}

			// None shown, but what is shown may be older than the processes (the UI is up before the
			// supervisor's first stats, and a spawn's overview is fetched a moment later): the
			// supervisor says what runs now before anything is stopped without a question.
			void client.call('overview').then((reply) => {
				const now = isErrorReply(reply) ? [] : (reply as unknown as Overview).watchers ?? [];
				const running = liveProcessCount(now);
				if (latest.current.ui.quit !== undefined) {
					return;
				}

				if (running > 0) {
					dispatch({type: 'confirm-quit', live: running});
				} else {
					quit('confirmed');
				}
			}, () => {
				quit('confirmed');
			});
			return;
		}

		const live = watchers.filter((watcher) => watcher.processes.some((process) => process.state !== 'exited'));
		if (kind === 'force') {
			dispatch({type: 'quit-started', phase: 'forcing', time: Date.now()});
			for (const watcher of live) {
				void client.call('kill', {name: watcher.name, signum: 'SIGKILL', graceful_timeout: 0}).catch(() => undefined);
			}

			setTimeout(exit, forceGraceMs).unref();
			if (ui.quit !== undefined) {
				return;
			}
		} else if (ui.quit !== undefined) {
			return;
		} else {
			dispatch({type: 'quit-started', phase: 'stopping', time: Date.now()});
		}

		for (const watcher of live) {
			void client.call('options', {name: watcher.name}).then((reply) => {
				const options = isErrorReply(reply) ? undefined : reply.options as Record<string, unknown> | undefined;
				// Every option with its value in effect; a supervisor from before that gave only the options
				// the config set, so without graceful_timeout it is the default.
				const timeout = Number(options?.graceful_timeout ?? defaultGracefulTimeout);
				if (options !== undefined && Number.isFinite(timeout)) {
					dispatch({type: 'quit-timeouts', timeouts: {[watcher.name]: timeout}});
				}
			}).catch(() => undefined);
		}

		void client.call('quit').then((reply) => {
			if (isErrorReply(reply)) {
				dispatch({type: 'notice', id: 0, tone: 'error', text: `quit: ${reply.reason}`, time: Date.now()});
			}

			exit();
		}, exit);
	}, [exit]);

	useEffect(() => options.requests?.subscribe((force) => {
		quit(force || latest.current.ui.quit !== undefined ? 'force' : 'confirmed');
	}), [options.requests, quit]);

	return quit;
}
