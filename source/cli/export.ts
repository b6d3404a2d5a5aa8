import fs from 'node:fs';
import path from 'node:path';
import {formatIssue, formatOrigin} from '../config/index.js';
import type {Config} from '../config/types.js';
import {exportProcfile} from '../export/procfile.js';
import {ExportError, exportSystemd, unitFolder} from '../export/systemd.js';
import type {ExportWarning} from '../export/unit-text.js';
import {parseCommand, usageError} from './args.js';
import {exportSpec} from './command-specs.js';
import {load, reportLoadError, resolveSource} from './load.js';

/** `procui export systemd|procfile ...`; returns the exit status. */
export async function runExport(argv: readonly string[]): Promise<number> {
	const cli = await parseCommand(exportSpec, argv);
	if ('exit' in cli) {
		return cli.exit;
	}

	const [format, file, ...extra] = cli.input;
	if ((format !== 'systemd' && format !== 'procfile') || extra.length > 0) {
		return usageError(exportSpec, `expected \`systemd\` or \`procfile\` and at most one CONFIG, got ${JSON.stringify(cli.input.join(' '))}\n${exportSpec.usage.map(form => `usage: procui ${form}`).join('\n')}`).exit;
	}

	if (format === 'procfile' && (cli.flags.out !== undefined || cli.flags.user)) {
		process.stderr.write('procui export procfile: --out and --user are for systemd; redirect the output to a file instead\n');
		return 2;
	}

	const cwd = process.cwd();
	let config: Config;
	try {
		// The units are for the machine systemd runs on: this one's folders and users say nothing of it.
		config = load(resolveSource({file, commands: [], useDefault: true}, cwd), cwd, {checkHost: false, command: `export ${format}`});
	} catch (error) {
		reportLoadError(error, cwd);
		return 1;
	}

	for (const warning of config.warnings) {
		process.stderr.write(`${formatIssue(warning, cwd)}\n`);
	}

	if (format === 'procfile') {
		const result = exportProcfile(config);
		report(result.warnings, cwd);
		process.stdout.write(result.text);
		return 0;
	}

	try {
		const source = config.file === undefined ? 'the command line' : path.relative(cwd, config.file) || config.file;
		const result = exportSystemd(config, {user: cli.flags.user, source});
		report(result.warnings, cwd);
		writeUnits(result.files, result.enable, cli.flags.out, cli.flags.user, cwd);
		return 0;
	} catch (error) {
		if (error instanceof ExportError) {
			process.stderr.write(`procui export: ${error.message}\n`);
			return 1;
		}

		throw error;
	}
}

function report(warnings: readonly ExportWarning[], cwd: string): void {
	for (const warning of warnings) {
		process.stderr.write(`${formatOrigin(warning.origin, cwd)}: warning: ${warning.message}\n`);
	}
}

function writeUnits(files: ReadonlyArray<{name: string; text: string}>, enable: readonly string[], out: string | undefined, user: boolean, cwd: string): void {
	const folder = unitFolder(user);
	if (out === undefined) {
		for (const file of files) {
			process.stdout.write(`### ${file.name}\n${file.text}\n`);
		}

		process.stdout.write(`### install: save each file above into ${folder}/, then\n${enable.map(line => `#   ${line}`).join('\n')}\n`);
		return;
	}

	const dir = path.resolve(cwd, out);
	try {
		fs.mkdirSync(dir, {recursive: true});
		for (const file of files) {
			fs.writeFileSync(path.join(dir, file.name), file.text);
			process.stdout.write(`wrote ${path.join(out, file.name)}\n`);
		}
	} catch (error) {
		throw new ExportError(`cannot write the units into ${out}: ${(error as Error).message}`);
	}

	const sudo = user ? '' : 'sudo ';
	process.stdout.write(`\nTo install and start them:\n  ${sudo}cp ${files.map(file => path.join(out, file.name)).join(' ')} ${folder}/\n${enable.map(line => `  ${sudo}${line}`).join('\n')}\n`);
}
