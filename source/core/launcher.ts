import os from 'node:os';
import {signalGroup, signalProcess, spawnChild, type Child, type SpawnOptions} from '../io/spawn.js';

/**
How the core starts and signals processes. Production uses io/spawn.ts; the kernel tests pass
fake children (test/core/fakes.ts) whose exits and output the test controls.
*/
export type Launcher = {
	/** Start a child (see spawnChild): throws a SpawnError when it cannot; its exit comes to `options.onExit`. */
	spawn(options: SpawnOptions): Child;
	/** Signal a child's process group (see signalGroup). */
	signalGroup(pid: number, signal: number, exited?: boolean): boolean;
	/** Signal one process. */
	signalProcess(pid: number, signal: number): boolean;
	/** Continue a child's process group (SIGCONT) if it is paused, so it takes the stop signal sent
	before: a paused process holds a signal until then. Optional: the kernel tests' fakes never pause. */
	wake?(pid: number, exited?: boolean): void;
};

/** Real processes, through procui-exec. */
export const realLauncher: Launcher = {
	spawn: (options) => spawnChild(options),
	signalGroup: (pid, signal, exited) => signalGroup(pid, signal, exited),
	signalProcess: (pid, signal) => signalProcess(pid, signal),
	wake(pid, exited) {
		signalGroup(pid, os.constants.signals.SIGCONT, exited);
	},
};
