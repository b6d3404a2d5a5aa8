import childProcess, {type ChildProcessWithoutNullStreams} from 'node:child_process';
import {Duplex} from 'node:stream';
import {ControlConnectionError, errorCode} from './errors.js';
import {remoteCommandVariable, sshArguments, type SshEndpoint} from './ssh-endpoint.js';

/** What `procui proxy` writes first, once it is connected to the remote control socket. */
export const proxyReadyMarker = 'procui-proxy-ready';
/** `procui proxy` exits with this when it cannot reach the remote supervisor (EX_UNAVAILABLE). */
export const proxyUnavailableCode = 69;
/** Output before the ready line that is skipped (a login banner, a chatty shell rc) before giving up. */
const maxPreambleBytes = 64 * 1024;
/** The end of ssh's stderr kept for error messages. */
const maxStderrBytes = 8 * 1024;
/** ssh asks for a password or a host key confirmation on the terminal: give a person time. */
const minHandshakeMs = 30_000;

/**
The child's stdio as one stream, for the socket client. The child's stdout ending ends the stream;
the stream's end closes the child's stdin (the remote proxy then closes its socket and exits); a
destroyed stream kills the child.
*/
class ChildStream extends Duplex {
	readonly #child: ChildProcessWithoutNullStreams;

	constructor(child: ChildProcessWithoutNullStreams, head: Buffer, describeExit: () => string | undefined) {
		super({allowHalfOpen: false});
		this.#child = child;
		if (head.length > 0) {
			this.push(head);
		}

		child.stdout.on('data', (chunk: Buffer) => {
			if (!this.push(chunk)) {
				child.stdout.pause();
			}
		});
		// A write to an ssh that has died: its exit says why.
		child.stdin.on('error', () => undefined);
		// The end of the stream waits for ssh's exit (after its output has ended), so that a lost
		// connection is reported with what ssh said rather than as a plain end.
		child.once('close', () => {
			const problem = describeExit();
			if (problem !== undefined) {
				this.destroy(new Error(problem));
			} else if (!this.destroyed) {
				this.push(null);
			}
		});
	}

	override _read(): void {
		this.#child.stdout.resume();
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		if (this.#child.stdin.writable) {
			this.#child.stdin.write(chunk, () => {
				callback();
			});
		} else {
			callback();
		}
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.#child.stdin.end();
		callback();
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		if (this.#child.exitCode === null && this.#child.signalCode === null) {
			this.#child.kill('SIGTERM');
		}

		callback(error);
	}
}

/** Why ssh (or the command it ran) ended, in words a person can act on. */
export function describeSshExit(endpoint: SshEndpoint, code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
	const target = `${endpoint.user === undefined ? '' : `${endpoint.user}@`}${endpoint.host}${endpoint.port === undefined ? '' : `:${endpoint.port}`}`;
	const said = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('Warning: Permanently added'));
	const last = said.at(-1) ?? '';
	if (code === 127) {
		return `procui is not installed on ${endpoint.host} (or not on the PATH of a non-interactive shell); set ${remoteCommandVariable} to the remote command, e.g. ${remoteCommandVariable}=/usr/local/bin/procui${last === '' ? '' : ` (the remote shell said: ${last})`}`;
	}

	if (code === proxyUnavailableCode) {
		return `on ${endpoint.host}: ${last.replace(/^procui proxy: /, '')}`;
	}

	if (code === 255) {
		if (/permission denied/i.test(stderr)) {
			return `permission denied: ssh could not log in to ${target} (${last})`;
		}

		if (/connection refused/i.test(stderr)) {
			return `cannot reach ${target}: connection refused (is sshd running there, on that port?)`;
		}

		if (/could not resolve hostname/i.test(stderr)) {
			return `cannot reach ${target}: unknown host name`;
		}

		return `cannot reach ${target} over ssh: ${last === '' ? 'ssh failed' : last}`;
	}

	if (signal !== null) {
		return `ssh to ${target} ended by ${signal}`;
	}

	// A program's complaint comes first; what follows is usage text (an old procui without `proxy`).
	const first = said[0] ?? '';
	return `the remote command on ${endpoint.host} failed with exit code ${code}${first === '' ? '' : `: ${first}`}`;
}

/**
Run `ssh HOST procui proxy [--endpoint URL]` and wait until the remote proxy says it is connected
to the supervisor there. Resolves with the child's stdio as one stream; rejects with a
`ControlConnectionError` that says what to do (ssh missing, host unreachable, login refused,
procui not installed remotely, no supervisor running there).
*/
export async function openSshStream(endpoint: SshEndpoint, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Duplex> {
	const args = sshArguments(endpoint, env);
	return new Promise<Duplex>((resolve, reject) => {
		let child: ChildProcessWithoutNullStreams;
		try {
			child = childProcess.spawn('ssh', args, {stdio: ['pipe', 'pipe', 'pipe'], env});
		} catch (error) {
			reject(new ControlConnectionError(`cannot connect to ${endpoint.url}: cannot run ssh: ${error instanceof Error ? error.message : String(error)}`));
			return;
		}

		let stderr = '';
		let exit: {code: number | null; signal: NodeJS.Signals | null} | undefined;
		let preamble = Buffer.alloc(0);
		let settled = false;
		const fail = (message: string): void => {
			if (!settled) {
				settled = true;
				clearTimeout(timer);
				child.kill('SIGTERM');
				reject(new ControlConnectionError(`cannot connect to ${endpoint.url}: ${message}`));
			}
		};

		const deadline = Math.max(timeoutMs, minHandshakeMs);
		const timer = setTimeout(() => {
			fail(`no answer within ${deadline / 1000} s (ssh said: ${stderr.trim().split('\n').at(-1) ?? 'nothing'})`);
		}, deadline);
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			stderr = (stderr + chunk).slice(-maxStderrBytes);
		});
		child.once('error', (error) => {
			fail(errorCode(error) === 'ENOENT'
				? 'the ssh command is not installed (or not on the PATH); ssh:// endpoints run the OpenSSH client'
				: `cannot run ssh: ${error.message}`);
		});
		child.once('exit', (code, signal) => {
			exit = {code, signal};
		});
		const describeExit = (): string | undefined => {
			if (exit === undefined || (exit.code === 0 && exit.signal === null)) {
				return undefined;
			}

			return describeSshExit(endpoint, exit.code, exit.signal, stderr);
		};

		child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
			exit ??= {code, signal};
			fail(describeExit() ?? `the remote side closed before procui proxy answered${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').at(-1)}`}`);
		});
		const onData = (chunk: Buffer): void => {
			preamble = Buffer.concat([preamble, chunk]);
			for (;;) {
				const newline = preamble.indexOf(10);
				if (newline === -1) {
					break;
				}

				const line = preamble.subarray(0, newline).toString('utf8').trim();
				preamble = preamble.subarray(newline + 1);
				if (line === proxyReadyMarker || line.startsWith(`{"${proxyReadyMarker}"`)) {
					child.stdout.off('data', onData);
					child.stdout.pause();
					settled = true;
					clearTimeout(timer);
					resolve(new ChildStream(child, preamble, describeExit));
					return;
				}
			}

			if (preamble.length > maxPreambleBytes) {
				fail(`the remote side sent ${maxPreambleBytes} bytes without procui proxy's greeting; is ${env[remoteCommandVariable] ?? 'procui'} procui there?`);
			}
		};

		child.stdout.on('data', onData);
	});
}
