import os from 'node:os';

/** A signal the `K` picker offers, with what it usually means to a program. */
type SignalChoice = {
	/** Canonical name, as the `signal` command takes it. */
	readonly name: string;
	/** One line for the picker. */
	readonly hint: string;
};

/** The signals worth sending by hand, most used first. */
export const signalChoices: readonly SignalChoice[] = [
	{name: 'SIGTERM', hint: 'ask to stop (the usual stop signal)'},
	{name: 'SIGINT', hint: 'interrupt, as Ctrl-C in a terminal'},
	{name: 'SIGHUP', hint: 'hang up; many servers reload their configuration'},
	{name: 'SIGUSR1', hint: 'program-defined (often: reopen logs)'},
	{name: 'SIGUSR2', hint: 'program-defined'},
	{name: 'SIGQUIT', hint: 'quit, often with a core dump or thread dump'},
	{name: 'SIGKILL', hint: 'kill at once; cannot be caught'},
	{name: 'SIGSTOP', hint: 'pause the process'},
	{name: 'SIGCONT', hint: 'resume a paused process'},
	{name: 'SIGWINCH', hint: 'window size changed'},
];

/** Signal names by number, for exit statuses (`SIGKILL` for Circus's exit code -9). */
export const signalNames: Readonly<Record<number, string>> = Object.fromEntries(
	Object.entries(os.constants.signals)
		.filter(([name]) => name !== 'SIGIOT' && name !== 'SIGPOLL')
		.map(([name, number]) => [number, name]),
);
