import {describe, expect, it} from 'vitest';
import {mergeIni, parseIni} from '../../source/config/ini.js';

function values(text: string): Record<string, Record<string, string>> {
	const document = parseIni(text, 'test.ini', {preserveCase: name => name === 'env'});
	expect(document.issues.filter(issue => issue.severity === 'error')).toEqual([]);
	return Object.fromEntries(document.sections.map(section => [section.name, Object.fromEntries(section.entries.map(entry => [entry.key, entry.value]))]));
}

describe('the INI reader', () => {
	it('reads name = value pairs in sections', () => {
		expect(values('[watcher:web]\ncmd = python app.py\nnumprocesses=2\n')).toEqual({'watcher:web': {cmd: 'python app.py', numprocesses: '2'}});
	});

	it('accepts a colon as the delimiter', () => {
		expect(values('[watcher:web]\ncmd: python app.py\n')).toEqual({'watcher:web': {cmd: 'python app.py'}});
	});

	it('splits at the first delimiter, whichever it is', () => {
		expect(values('[circus]\nendpoint = tcp://127.0.0.1:5555\nurl: http://x=1\n')).toEqual({circus: {endpoint: 'tcp://127.0.0.1:5555', url: 'http://x=1'}});
	});

	it('joins indented continuation lines with newlines, stripping each', () => {
		expect(values('[watcher:web]\nargs = --one\n    --two\n\t--three\n')['watcher:web']!.args).toBe('--one\n--two\n--three');
	});

	it('continues a value after a blank line when the next line is indented', () => {
		expect(values('[watcher:web]\nargs = --one\n\n    --two\ncmd = x\n')['watcher:web']!.args).toBe('--one\n--two');
	});

	it('skips full-line comments starting with # or ;', () => {
		expect(values('# top\n[circus]\n; a comment\n#another\ncheck_delay = 1\n')).toEqual({circus: {check_delay: '1'}});
	});

	it('skips rem lines, as Circus does', () => {
		expect(values('[circus]\nREM old setting\ncheck_delay = 1\n')).toEqual({circus: {check_delay: '1'}});
	});

	it('strips an inline comment that starts with a semicolon after whitespace', () => {
		expect(values('[circus]\ncheck_delay = 1 ; seconds\n').circus!.check_delay).toBe('1');
	});

	it('keeps a semicolon that has no whitespace before it', () => {
		expect(values('[watcher:a]\ncmd = sh -c "a;b"\n')['watcher:a']!.cmd).toBe('sh -c "a;b"');
	});

	it('looks only at the first semicolon, as Circus does', () => {
		expect(values('[watcher:a]\ncmd = a;b ; not a comment either\n')['watcher:a']!.cmd).toBe('a;b ; not a comment either');
	});

	it('keeps a hash inside a value: # is not an inline comment in Circus', () => {
		expect(values('[watcher:a]\ncmd = echo a # b\n')['watcher:a']!.cmd).toBe('echo a # b');
	});

	it('lower-cases option names', () => {
		expect(values('[watcher:a]\nNumProcesses = 3\n')['watcher:a']).toEqual({numprocesses: '3'});
	});

	it('keeps the case of names in sections that preserve it', () => {
		expect(values('[env]\nHttp_Proxy = x\n').env).toEqual({Http_Proxy: 'x'});
	});

	it('keeps section names as written', () => {
		expect(Object.keys(values('[watcher:Web]\ncmd = x\n'))).toEqual(['watcher:Web']);
	});

	it('reads "" as the empty string', () => {
		expect(values('[watcher:a]\nargs = ""\n')['watcher:a']!.args).toBe('');
	});

	it('does no % interpolation', () => {
		expect(values('[watcher:a]\nstdout_stream.time_format = %Y-%m-%d %(name)s\n')['watcher:a']!['stdout_stream.time_format']).toBe('%Y-%m-%d %(name)s');
	});

	it('records the line of each option and section', () => {
		const document = parseIni('\n[circus]\n\ncheck_delay = 1\n  2\nwarmup_delay = 3\n', 'x.ini');
		const section = document.sections[0]!;
		expect(section.origin).toEqual({file: 'x.ini', line: 2});
		expect(section.entries.map(entry => entry.origin.line)).toEqual([4, 6]);
	});

	// circus/util.py StrictConfigParser._read: `if optname in cursect: continue`.
	it('keeps the first value of an option set twice in one section, as Circus does, with a warning naming both lines', () => {
		const document = parseIni('[watcher:a]\ncmd = x\nnumprocesses = 1\nNUMPROCESSES = 2\n  continued\n', 'x.ini');
		expect(document.issues).toEqual([{
			severity: 'warning',
			origin: {file: 'x.ini', line: 4},
			message: 'numprocesses: set twice in [watcher:a], at line 3 and line 4; the first value is kept, as Circus does',
		}]);
		expect(document.sections[0]!.entries.map(entry => `${entry.key}=${entry.value}`)).toEqual(['cmd=x', 'numprocesses=1']);
	});

	it('merges a repeated section into the first, with a warning', () => {
		const document = parseIni('[watcher:a]\ncmd = x\n[circus]\n[watcher:a]\nnumprocesses = 2\n', 'x.ini');
		expect(document.sections.map(section => section.name)).toEqual(['watcher:a', 'circus']);
		expect(document.sections[0]!.entries.map(entry => entry.key)).toEqual(['cmd', 'numprocesses']);
		expect(document.issues.map(issue => [issue.severity, issue.origin.line])).toEqual([['warning', 4]]);
	});

	it('rejects an option before any section, naming the line', () => {
		const document = parseIni('# comment\ncmd = x\n[circus]\n', 'x.ini');
		expect(document.issues).toEqual([{severity: 'error', origin: {file: 'x.ini', line: 2}, message: 'expected a [section] header before the first option, got "cmd = x"'}]);
	});

	it('rejects every line that is neither a section, an option nor a continuation', () => {
		const document = parseIni('[circus]\njust words\ncheck_delay = 1\nmore words\n', 'x.ini');
		expect(document.issues.map(issue => [issue.severity, issue.origin.line])).toEqual([['error', 2], ['error', 4]]);
		expect(document.issues[0]!.message).toContain('expected `name = value`');
	});

	it('reads Windows line endings and a byte-order mark', () => {
		expect(values('\uFEFF[circus]\r\ncheck_delay = 1\r\n')).toEqual({circus: {check_delay: '1'}});
	});

	it('keeps the first value of an option when merging an included file, with a warning', () => {
		const main = parseIni('[circus]\ncheck_delay = 1\n', 'main.ini');
		const extra = parseIni('[circus]\ncheck_delay = 9\nwarmup_delay = 2\n[watcher:b]\ncmd = y\n', 'extra.ini');
		const merged = mergeIni(main.sections, extra.sections);
		expect(merged.sections.map(section => [section.name, section.entries.map(entry => `${entry.key}=${entry.value}`)])).toEqual([
			['circus', ['check_delay=1', 'warmup_delay=2']],
			['watcher:b', ['cmd=y']],
		]);
		expect(merged.issues.map(issue => `${issue.origin.file}:${issue.origin.line}`)).toEqual(['extra.ini:2']);
	});
});
