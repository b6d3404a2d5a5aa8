import {defaultEndpoint} from '../control/endpoint.js';
import {stateFilePath} from '../control/orphans.js';
import {Supervisor} from '../control/supervisor.js';
import {LogWriter, type LogWriterLevel} from '../io/log-writer.js';
import {onSignals, type HandledSignal} from '../io/signals.js';
import {formatIssue} from '../config/index.js';
import {parseSyslogUrl} from '../config/syslog-url.js';
import {load, reportLoadError, resolveSource, type ConfigSource} from './load.js';
import {writePidfile, removePidfile} from './pidfile.js';

type DaemonFlags = {
	readonly source: ConfigSource;
	readonly endpoint?: string;
	readonly pidfile?: string;
	readonly logLevel?: string;
	readonly logOutput?: string;
	/** `--metrics HOST:PORT`: overrides `[circus] procui.metrics`. */
	readonly metrics?: string;
	/** Called once listening (detach tells its parent). */
	readonly onReady?: (endpoint: string) => void;
	readonly onFailure?: (message: string) => void;
	/** The start waits for up to `seconds` (see Supervisor's `onStartWait`). */
	readonly onStartWait?: (seconds: number, why: string) => void;
	/** Called once the supervisor's processes have written `bytes` of output in all (cli.tsx's V8 tiering). */
	readonly afterOutput?: {readonly bytes: number; readonly callback: () => string};
};

/** `procui daemon`: the supervisor headless, in the foreground. Resolves never; exits the process. */
export async function runDaemon(flags: DaemonFlags): Promise<void> {
	const cwd = process.cwd();
	const source = resolveSource(flags.source, cwd);
	let config;
	try {
		config = load(source, cwd);
	} catch (error) {
		reportLoadError(error, cwd);
		flags.onFailure?.(error instanceof Error ? error.message : String(error));
		process.exit(1);
	}

	const level = (flags.logLevel ?? config.arbiter.loglevel).toLowerCase() as LogWriterLevel;
	const output = flags.logOutput ?? config.arbiter.logoutput;
	// The config's is checked with the config; the flag's here.
	const syslog = output.startsWith('syslog://') ? parseSyslogUrl(output) : undefined;
	if (syslog !== undefined && 'error' in syslog) {
		process.stderr.write(`procui: --log-output: ${syslog.error}\n`);
		flags.onFailure?.(`--log-output: ${syslog.error}`);
		process.exit(1);
	}

	let logger: LogWriter;
	try {
		logger = new LogWriter(syslog === undefined ? output : {url: output, syslog}, level === ('warn' as LogWriterLevel) ? 'warning' : level);
	} catch (error) {
		const message = `${flags.logOutput === undefined ? `[circus] logoutput in ${config.file ?? 'the configuration'}` : '--log-output'}: ${error instanceof Error ? error.message : String(error)}`;
		process.stderr.write(`procui: ${message}; nothing was started\n`);
		flags.onFailure?.(message);
		process.exit(1);
	}

	if (syslog?.unknownFacility !== undefined && flags.logOutput !== undefined) {
		logger.log('warning', `--log-output: ${JSON.stringify(syslog.unknownFacility)} is not a syslog facility; using \`user\`, as Circus does`);
	}
	for (const warning of config.warnings) {
		logger.log('warning', formatIssue(warning, cwd));
	}

	// From here until the supervisor's own handlers are in place, a signal is held and then handed
	// to them: its default action would end the daemon and leave the pidfile behind.
	const held: HandledSignal[] = [];
	const releaseEarly = onSignals((signal) => {
		held.push(signal);
	});
	const pidfile = flags.pidfile ?? config.arbiter.pidfile;
	if (pidfile) {
		try {
			const note = writePidfile(pidfile);
			if (note !== undefined) {
				logger.log('warning', note);
			}
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			process.stderr.write(`procui: ${message}\n`);
			flags.onFailure?.(message);
			process.exit(1);
		}
	}

	const endpoint = flags.endpoint ?? config.arbiter.endpoint ?? defaultEndpoint().url;
	const supervisor = new Supervisor({
		config,
		endpoint,
		stateFile: stateFilePath(pidfile, endpoint),
		subreaper: true,
		log: (logLevel, message) => {
			logger.log(logLevel, message);
		},
		reopenLog: () => {
			logger.reopen();
		},
		loadConfig: () => load(source, cwd),
		handleSignals: true,
		...(flags.onStartWait === undefined ? {} : {onStartWait: flags.onStartWait}),
		logStats: () => ({dropped: logger.droppedTotal, pending: logger.pendingBytes}),
		...(flags.metrics === undefined ? {} : {metrics: flags.metrics}),
		onExit: (code) => {
			logger.log('info', 'all watchers stopped; bye');
			if (pidfile) {
				removePidfile(pidfile);
			}

			void logger.close().finally(() => process.exit(code));
		},
	});
	const {afterOutput} = flags;
	if (afterOutput) {
		supervisor.arbiter.redirector.whenRead(afterOutput.bytes, () => {
			logger.log('debug', afterOutput.callback());
		});
	}

	process.on('uncaughtException', (error) => {
		logger.log('critical', `internal error, stopping every process: ${error.stack ?? error.message}`);
		supervisor.arbiter.killAll();
		setTimeout(() => process.exit(70), 200).unref();
	});
	process.on('unhandledRejection', (reason) => {
		logger.log('error', `internal error (unhandled rejection): ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`);
	});
	try {
		const started = supervisor.start();
		// start() installs its handlers before it first waits.
		releaseEarly();
		for (const signal of held) {
			process.kill(process.pid, signal);
		}

		await started;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(`procui: ${message}\n`);
		flags.onFailure?.(message);
		if (pidfile) {
			removePidfile(pidfile);
		}

		process.exit(1);
	}

	if (supervisor.metricsUrl !== undefined) {
		logger.log('info', `metrics on ${supervisor.metricsUrl}`);
	}

	logger.log('info', `procui ${process.env.npm_package_version ?? ''} supervising ${config.watchers.length} watcher(s) from ${config.file ?? 'the command line'}; control endpoint ${supervisor.endpoint}`.replace('  ', ' '));
	flags.onReady?.(supervisor.endpoint);
}

