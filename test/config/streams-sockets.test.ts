import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {stderrApart} from '../../source/config/stream-options.js';
import {loadIni, loadIniErrors, summarize} from './fixtures.js';

function stdoutStream(options: string) {
	const config = loadIni(`[watcher:w]\ncmd = x\npty = false\n${options}\n`);
	return {stream: config.watchers[0]!.stdoutStream, directory: config.directory, warnings: config.warnings};
}

describe('streams', () => {
	// circus/stream/file_stream.py: `if filename is None: fd, filename = tempfile.mkstemp()`.
	it('runs a FileStream without filename (Circus writes it to an unnamed temporary file): left out, with a warning', () => {
		const {stream, warnings} = stdoutStream('stdout_stream.class = FileStream');
		expect(stream).toBeUndefined();
		expect(summarize(warnings)).toEqual(['4: stdout_stream: FileStream without `stdout_stream.filename`: Circus writes it to an unnamed temporary file; procui leaves this stream out (its output stays in the scrollback: procui logs)']);
	});

	it('reads a FileStream with rotation, coercing numbers', () => {
		const {stream, directory} = stdoutStream('stdout_stream.class = FileStream\nstdout_stream.filename = logs/w.log\nstdout_stream.max_bytes = 1048576\nstdout_stream.backup_count = 5\nstdout_stream.time_format = %Y-%m-%d %H:%M:%S');
		expect(stream).toEqual({
			class: 'FileStream',
			filename: path.join(directory, 'logs/w.log'),
			maxBytes: 1_048_576,
			backupCount: 5,
			timeFormat: '%Y-%m-%d %H:%M:%S',
			rotateInterval: 1,
			utc: false,
		});
	});

	it('takes a class name with the circus.stream module path, in any case', () => {
		expect(stdoutStream('stdout_stream.class = circus.stream.filestream\nstdout_stream.filename = /var/log/w.log').stream?.class).toBe('FileStream');
	});

	it('treats a filename without a class as a FileStream', () => {
		expect(stdoutStream('stdout_stream.filename = /var/log/w.log').stream).toMatchObject({class: 'FileStream', filename: '/var/log/w.log', maxBytes: 0, backupCount: 0});
	});

	it('reads a TimedRotatingFileStream, rotate_when in any case', () => {
		expect(stdoutStream('stdout_stream.class = TimedRotatingFileStream\nstdout_stream.filename = /l/w.log\nstdout_stream.rotate_when = midnight\nstdout_stream.rotate_interval = 2\nstdout_stream.utc = True\nstdout_stream.backup_count = 7').stream)
			.toEqual({class: 'TimedRotatingFileStream', filename: '/l/w.log', maxBytes: 0, backupCount: 7, rotateWhen: 'MIDNIGHT', rotateInterval: 2, utc: true});
	});

	it('reads a FancyStdoutStream with its colour and default time format', () => {
		expect(stdoutStream('stdout_stream.class = FancyStdoutStream\nstdout_stream.color = Green').stream)
			.toMatchObject({class: 'FancyStdoutStream', color: 'green', timeFormat: '%Y-%m-%d %H:%M:%S'});
	});

	it('reads stderr_stream like stdout_stream', () => {
		const config = loadIni('[watcher:w]\ncmd = x\npty = false\nstderr_stream.class = StdoutStream\n');
		expect(config.watchers[0]!.stderrStream?.class).toBe('StdoutStream');
		expect(config.warnings).toEqual([]);
	});

	// Circus keeps stdout and stderr apart (a stream that is not set is not read at all); with a PTY
	// procui does too whenever they go to different places.
	it('sets stderr apart from the terminal when its stream differs from stdout\'s, and only then', () => {
		const config = (text: string) => loadIni(`[watcher:w]\ncmd = x\n${text}`).watchers[0]!;
		expect(stderrApart(config('stderr_stream.class = StdoutStream\n'))).toBe(true);
		expect(stderrApart(config('stdout_stream.filename = out.log\nstderr_stream.filename = err.log\n'))).toBe(true);
		expect(stderrApart(config('stdout_stream.filename = all.log\nstderr_stream.filename = all.log\n'))).toBe(false);
		expect(stderrApart(config('stdout_stream.filename = out.log\n'))).toBe(true);
		expect(stderrApart(config(''))).toBe(false);
		expect(stderrApart(config('pty = false\nstdout_stream.filename = out.log\nstderr_stream.filename = err.log\n'))).toBe(false);
		expect(loadIni('[watcher:w]\ncmd = x\nstderr_stream.class = StdoutStream\n').warnings).toEqual([]);
	});

	it('warns about an option the stream class does not take', () => {
		expect(summarize(stdoutStream('stdout_stream.class = StdoutStream\nstdout_stream.max_bytes = 10').warnings)).toEqual(['5: stdout_stream.max_bytes: has no effect with StdoutStream; ignored']);
	});

	it('leaves out a stream of a custom Python class, with a warning', () => {
		const {stream, warnings} = stdoutStream('stdout_stream.class = myapp.logging.Stream');
		expect(stream).toBeUndefined();
		expect(warnings[0]!.message).toMatch(/^stdout_stream.class: "myapp.logging.Stream" is a Python class; procui cannot load it/);
	});

	it('rejects an unknown stream class and a bad rotation', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nstdout_stream.class = FileStrem\nstderr_stream.class = TimedRotatingFileStream\nstderr_stream.filename = /x\nstderr_stream.rotate_when = weekly\n'))).toEqual([
			'3: stdout_stream.class: expected one of FileStream, TimedRotatingFileStream, WatchedFileStream, StdoutStream, FancyStdoutStream, NullStream, got "FileStrem"',
			'6: stderr_stream.rotate_when: expected S, M, H, D, MIDNIGHT or W0-W6 (any case), got "weekly"',
		]);
	});

	it('rejects stream options with neither class nor filename', () => {
		expect(summarize(loadIniErrors('[watcher:w]\ncmd = x\nstdout_stream.time_format = %H\n'))).toEqual(['3: stdout_stream: needs `stdout_stream.class` or `stdout_stream.filename`']);
	});
});

describe('sockets', () => {
	it('reads a TCP socket', () => {
		expect(loadIni('[socket:Web]\nhost = 127.0.0.1\nport = 8888\nbacklog = 64\nso_reuseport = yes\nblocking = 1\nreplace = true\ninterface = lo\n').sockets[0]).toMatchObject({
			name: 'web', host: '127.0.0.1', port: 8888, family: 'AF_INET', type: 'SOCK_STREAM', backlog: 64, soReuseport: true, blocking: true, replace: true, interface: 'lo',
		});
	});

	it('makes a socket with a path a Unix socket, resolving the path against the config folder', () => {
		const config = loadIni('[socket:ctl]\npath = run/ctl.sock\numask = 077\n');
		expect(config.sockets[0]).toMatchObject({family: 'AF_UNIX', path: path.join(config.directory, 'run/ctl.sock'), umask: 0o77});
	});

	it('accepts family and type without their prefix, in any case', () => {
		expect(loadIni('[socket:s]\nfamily = inet6\ntype = stream\nhost = ::1\n').sockets[0]).toMatchObject({family: 'AF_INET6', type: 'SOCK_STREAM'});
	});

	// The daemon binds stream sockets only: `check` says so at the line, not the daemon at start.
	it('refuses SOCK_DGRAM at its line', () => {
		expect(summarize(loadIniErrors('[socket:s]\nport = 0\ntype = dgram\n'))).toEqual(['3: type: SOCK_DGRAM is not supported yet; procui binds SOCK_STREAM sockets']);
	});

	it('sorts sockets by name', () => {
		expect(loadIni('[socket:b]\nport = 1\n[socket:a]\nport = 2\n').sockets.map(socket => socket.name)).toEqual(['a', 'b']);
	});

	it('rejects bad socket values, each at its line', () => {
		expect(summarize(loadIniErrors('[socket:s]\nport = 70000\nfamily = AF_UNIX\ntype = SOCK_RAW\n'))).toEqual([
			'2: port: expected a whole number from 0 to 65535, got "70000"',
			'3: family: AF_UNIX needs `path`',
			'4: type: SOCK_RAW is not supported; expected SOCK_STREAM or SOCK_DGRAM',
		]);
	});
});
