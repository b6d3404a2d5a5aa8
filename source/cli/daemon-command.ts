/**
`procui daemon`: its arguments, then the supervisor, headless (or `--detach`ed). The build bundles
this module and everything it imports into this one file (scripts/bundle.js): a daemon loads
one module instead of some 120, and so never has Node's module loader run hot enough for V8 to
optimize it (see cli.tsx).
*/
import {endpointError} from '../control/endpoint.js';
import {parseCommand, usageError} from './args.js';
import {daemonSpec} from './command-specs.js';
import {runDaemon} from './daemon.js';
import {detach, reportToParent} from './detach.js';

/** `argv`: the whole command line after `procui`, `daemon` first; `afterOutput`: see `runDaemon`. */
export async function runDaemonCommand(argv: readonly string[], afterOutput?: {readonly bytes: number; readonly callback: () => string}): Promise<number | undefined> {
	const parsed = await parseCommand(daemonSpec, argv.slice(1));
	if ('exit' in parsed) {
		return parsed.exit;
	}

	// ps has shown the daemon as `procui` since meow first named it so; parseCommand undoes that naming for the rest.
	process.title = 'procui';
	const {input, flags} = parsed;
	if (input.length > 1) {
		return usageError(daemonSpec, `expected one CONFIG, got ${input.length}: ${input.join(' ')}`).exit;
	}

	const wrong = endpointError(flags.endpoint);
	if (wrong !== undefined) {
		return usageError(daemonSpec, wrong).exit;
	}

	if (flags.detach) {
		return detach(argv);
	}

	await runDaemon({
		source: {file: input[0], commands: flags.command, useDefault: true},
		endpoint: flags.endpoint,
		pidfile: flags.pidfile,
		logLevel: flags.logLevel,
		logOutput: flags.logOutput,
		metrics: flags.metrics,
		onReady: (endpoint) => {
			reportToParent(`ready ${endpoint}`);
		},
		onFailure: (message) => {
			reportToParent(`error: ${message}`);
		},
		onStartWait: (seconds, why) => {
			reportToParent(`wait ${seconds} ${why}`, {final: false});
		},
		...(afterOutput === undefined ? {} : {afterOutput}),
	});
	return undefined;
}
