/**
OS signals as plain callbacks. A handler here only hands the signal's name to `onSignal`, which
enqueues a command; it never logs, formats, throws or exits (Circus's signal handler did all four).
Node already runs these handlers on the event loop, outside signal context.
*/
const handledSignals = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const;

export type HandledSignal = (typeof handledSignals)[number];

/** Install the handlers; returns a function that removes them. */
export function onSignals(onSignal: (signal: HandledSignal) => void, signals: readonly HandledSignal[] = handledSignals): () => void {
	const installed = signals.map((signal) => {
		const handler = (): void => {
			onSignal(signal);
		};

		process.on(signal, handler);
		return [signal, handler] as const;
	});
	return () => {
		for (const [signal, handler] of installed) {
			process.off(signal, handler);
		}
	};
}
