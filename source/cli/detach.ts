import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** The environment variable that tells a detached daemon to report readiness on fd 3. */
const readyFdVariable = 'PROCUI_READY_FD';

/** How long the parent waits for the detached daemon to be ready, unless it says it needs longer. */
const readyTimeoutMs = 30_000;

/**
`procui daemon --detach`: start the same command again in a new session, without a terminal, and
return once it reports that it listens (or why it could not start). It then survives the
terminal closing: it has no controlling terminal and ignores nothing it should not. A daemon whose
start waits on something long (the processes a killed daemon left, stopped within their
graceful_timeout) says so (`wait SECONDS WHY`), and the wait is extended by that much and shown.
One that does not answer in time is stopped (SIGTERM, as a quit): a failure here means nothing
was left running.
*/
export async function detach(argv: readonly string[]): Promise<number> {
	const args = [...process.execArgv, process.argv[1]!, ...argv.filter((arg) => arg !== '--detach' && arg !== '-d')];
	const child = childProcess.spawn(process.execPath, args, {
		detached: true,
		stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
		env: {...process.env, [readyFdVariable]: '3'},
	});
	const pipe = child.stdio[3] as net.Socket;
	let text = '';
	pipe.setEncoding('utf8');
	const result = await new Promise<string>((resolve) => {
		let waitedMs = readyTimeoutMs;
		const expire = (): void => {
			try {
				process.kill(child.pid!, 'SIGTERM');
			} catch {
				// Gone already.
			}

			resolve(`error: no answer within ${waitedMs / 1000} s; stopped it (run it without --detach to see why)`);
		};

		let timer = setTimeout(expire, readyTimeoutMs);
		pipe.on('data', (chunk: string) => {
			text += chunk;
			for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n')) {
				const line = text.slice(0, newline);
				text = text.slice(newline + 1);
				const wait = /^wait (\d+) (.*)$/.exec(line);
				if (wait === null) {
					clearTimeout(timer);
					resolve(line);
					return;
				}

				// A long wait the daemon announced: the deadline moves by that much.
				clearTimeout(timer);
				waitedMs += Number(wait[1]) * 1000;
				timer = setTimeout(expire, readyTimeoutMs + Number(wait[1]) * 1000);
				process.stderr.write(`procui: ${wait[2]!} (up to ${wait[1]!} s)\n`);
			}
		});
		pipe.on('close', () => {
			clearTimeout(timer);
			resolve('error: the daemon exited during start-up (run it without --detach to see why)');
		});
		child.on('error', (error) => {
			clearTimeout(timer);
			resolve(`error: ${error.message}`);
		});
	});
	pipe.destroy();
	child.unref();
	if (result.startsWith('ready ')) {
		process.stdout.write(`procui daemon started (pid ${child.pid}), control endpoint ${result.slice('ready '.length)}\n`);
		return 0;
	}

	process.stderr.write(`procui: ${result.replace(/^error: /, '')}\n`);
	return 1;
}

/** In the detached daemon: tell the parent how start-up went, then (unless `final` is false, for
a `wait` line) close the pipe. */
export function reportToParent(line: string, {final = true}: {readonly final?: boolean} = {}): void {
	const fdText = process.env[readyFdVariable];
	if (fdText === undefined) {
		return;
	}

	const fd = Number(fdText);
	if (final) {
		delete process.env[readyFdVariable];
	}

	try {
		fs.writeSync(fd, `${line.replaceAll('\n', ' ')}\n`);
		if (final) {
			fs.closeSync(fd);
		}
	} catch {
		// The parent is gone; nothing to tell.
	}
}
