import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'test/bench/results/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
			'@typescript-eslint/no-explicit-any': 'error',
			'no-constant-condition': ['error', {checkLoops: false}],
			eqeqeq: ['error', 'smart'],
		},
	},
	{
		files: ['**/*.js', '**/*.cjs'],
		languageOptions: {globals: {process: 'readonly', console: 'readonly'}},
	},
);
