import fs from 'node:fs';
import path from 'node:path';
import {globFiles} from './glob.js';
import {mergeIni, parseIni, type IniSection} from './ini.js';
import type {IssueList} from './issues.js';
import {caseInsensitiveEnv, substituteEnv} from './substitute.js';

/** The main file and what it includes, read and merged. */
type ReadFiles = {
	readonly sections: readonly IniSection[];
	/** Every file read, as shown in origins, main file first. */
	readonly files: readonly string[];
	/** The same files, absolute. */
	readonly absoluteFiles: readonly string[];
};

/** Environment sections keep the case of variable names; everything else is lower-cased. */
function isEnvSection(name: string): boolean {
	return name === 'env' || name.startsWith('env:');
}

/**
Read `file` and the files named by `include` / `include_dir` in its `[circus]` section, as
Circus's `read_config` does: each is a whitespace-separated list of globs relative to the main
file's folder (`include_dir` adds `/*.ini`); a glob that matches nothing is a warning; files are
merged with `mergeIni` (the first value of an option wins). Only the main file's includes are
followed; an included file's own `include` is reported and ignored, as in Circus.
*/
export function readWithIncludes(file: string, cwd: string, environ: Readonly<Record<string, string | undefined>>, issues: IssueList): ReadFiles | undefined {
	const absolute = path.resolve(cwd, file);
	const read = readText(absolute);
	if ('error' in read) {
		issues.error({file, line: 0}, `cannot read the configuration file: ${read.error}`);
		return undefined;
	}

	const main = parseIni(read.text, file, {preserveCase: isEnvSection});
	issues.add(main.issues);
	let sections: IniSection[] = [...main.sections];
	const files = [file];
	const absoluteFiles = [absolute];
	const directory = path.dirname(absolute);
	const env = caseInsensitiveEnv(environ);
	const circus = main.sections.find(section => section.name === 'circus');
	for (const key of ['include', 'include_dir']) {
		const entry = circus?.entries.find(candidate => candidate.key === key);
		if (entry === undefined) {
			continue;
		}

		for (const word of substituteEnv(entry.value, env).text.split(/\s+/).filter(Boolean)) {
			const pattern = path.resolve(directory, key === 'include_dir' ? path.join(word, '*.ini') : word);
			const found = globFiles(pattern);
			// A glob may match the main file itself, or a file already included: read each once.
			const matches = found.filter(match => !absoluteFiles.includes(match));
			if (found.length === 0) {
				issues.warn(entry.origin, `${key}: ${JSON.stringify(word)} matches no file (paths are relative to ${directory})`);
			}

			for (const match of matches) {
				const shown = path.isAbsolute(file) ? match : path.relative(cwd, match);
				const included = readText(match);
				if ('error' in included) {
					issues.error(entry.origin, `${key}: cannot read ${shown}: ${included.error}`);
					continue;
				}

				const document = parseIni(included.text, shown, {preserveCase: isEnvSection});
				issues.add(document.issues);
				const merged = mergeIni(sections, withoutNestedIncludes(document.sections, issues));
				issues.add(merged.issues);
				sections = merged.sections;
				files.push(shown);
				absoluteFiles.push(match);
			}
		}
	}

	return {sections, files, absoluteFiles};
}

/** Drop an included file's own `include` / `include_dir`, with a warning. */
function withoutNestedIncludes(sections: readonly IniSection[], issues: IssueList): IniSection[] {
	return sections.map(section => {
		if (section.name !== 'circus') {
			return section;
		}

		const nested = section.entries.filter(entry => entry.key === 'include' || entry.key === 'include_dir');
		for (const entry of nested) {
			issues.warn(entry.origin, `${entry.key}: only the main file's includes are read, as in Circus; ignored here`);
		}

		return {...section, entries: section.entries.filter(entry => !nested.includes(entry))};
	});
}

function readText(file: string): {text: string} | {error: string} {
	try {
		return {text: fs.readFileSync(file, 'utf8')};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reasons: Record<string, string> = {ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied'};
		return {error: (code === undefined ? undefined : reasons[code]) ?? (error as Error).message};
	}
}
