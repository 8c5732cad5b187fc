/**
 * The importer's own problems, by code: the English words of each (`PROBLEM_TEXT`), and of the
 * reasons a name has no value (`REASON_TEXT`, said inside `noValue`). The UI words each in its
 * language from the code and its parameters (`importCode.problem.<code>`,
 * `importCode.reason.<code>`); `message` keeps the English. Parameters that quote the user's code
 * are excerpts. Python's own syntax errors (the tokenizer's and the parser's) have no code: they
 * are Python's words, shown as written in every language.
 */

export const PROBLEM_TEXT = {
	for: 'a `for` loop is outside the subset: its body is not imported (the canvas shows one forward and backward pass)',
	while:
		'a `while` loop is outside the subset: its body is not imported (the canvas shows one forward and backward pass)',
	if: '`if` statements are outside the subset: the block is not imported',
	def: 'function definitions are outside the subset: write the computation at the top level',
	class:
		'class definitions are outside the subset: use `nn.Linear` directly, for example `model = nn.Linear(1, 1)`',
	with: '`with` blocks (`torch.no_grad()` included) are outside the subset: the block is not imported',
	try: '`try` statements are outside the subset: the block is not imported',
	block: "'{keyword}' blocks are outside the subset",
	blockInMethod: "'{keyword}' blocks inside a method are outside the subset",
	keywordStatement: "'{keyword}' statements are outside the subset",
	augAssign:
		"in-place update '{name} {op} ...' is outside the subset: write {name} = {name} {binary} ...",
	relativeImport: 'relative imports are outside the subset',
	starImport: '`from` {module} `import *` is outside the subset: import the names you use',
	builtinCall: '{name}() is outside the subset',
	numpyCall: '{callee}: `numpy` is outside the subset: write `torch.tensor(...)` instead',
	moduleCall: '{callee}: {module} is outside the subset',
	unknownFunction: '{callee} is not one of the functions the canvas imports',
	unknownMethodCall: '{callee}() is not one of the functions the canvas imports',
	unknownMethod: '{callee}(): {owner}.{name} is not one of the methods the canvas imports',
	undefinedName: "name '{name}' is not defined",
	undefinedNameNn: "name '{name}' is not defined: add `import torch.nn as nn`",
	undefinedNameF: "name '{name}' is not defined: add `import torch.nn.functional as F`",
	undefinedNameNp: "name '{name}' is not defined: add `import numpy as np`",
	noValue: '{name} has no value: {why}',
	optimizerStep:
		'`optimizer.step()` is outside the subset: the canvas shows one forward and backward pass (its Train button runs `SGD`)',
	optimizerStepOutsideLoop:
		'`optimizer.step()` outside the training loop is outside the subset: the canvas shows one forward and backward pass (its Train button runs `SGD`)',
	indexing: 'indexing (`x[...]`) is outside the subset',
	inPlace: 'in-place operations are outside the subset',
	inPlaceMethod: 'in-place operations ({callee}()) are outside the subset',
	detach: '`detach()` is outside the subset',
	backwardGradient:
		'`backward(gradient)` is outside the subset: call `backward()` on a one-element output',
	backwardInputs: '`backward(inputs=...)` is outside the subset',
	complex: 'complex numbers are outside the subset',
	unpack: 'unpacking with * is outside the subset',
	unpackArgs: 'unpacking arguments with * is outside the subset',
	unpackKwargs: 'unpacking arguments with ** is outside the subset',
	assignTarget: 'this assignment target is outside the subset',
	assignSubscript: 'assigning to part of a tensor (`x[...] = ...`) is outside the subset',
	assignAttribute: 'assigning to .{attr} is outside the subset',
	takesNoArguments: '{name}() takes no arguments',
	integerGrad:
		'only floating point tensors can require gradients, and whole numbers such as `2` make an integer tensor in PyTorch: write `2.0`',
	float32: 'the canvas computes in `float32`: use `dtype=np.float32`',
	double: 'the canvas computes in `float32`: `.double()` is outside the subset'
} as const;

export type ProblemCode = keyof typeof PROBLEM_TEXT;
export const PROBLEM_CODES = Object.keys(PROBLEM_TEXT) as ProblemCode[];

/** Why a name has no value: the `{why}` of `noValue`. */
export const REASON_TEXT = {
	/** `{statement}`: the first line of the statement (an excerpt). */
	notImported: '{statement} (line {line}) was not imported',
	/** A def or class outside the subset. */
	blockStatement: 'its {keyword} statement (line {line}) is outside the subset',
	/** A name assigned inside a block that is not imported. */
	assignedInBlock: 'it is assigned in the {keyword} block on line {line}, which is not imported'
} as const;

export type ReasonCode = keyof typeof REASON_TEXT;
export const REASON_CODES = Object.keys(REASON_TEXT) as ReasonCode[];

export type ProblemParams = Record<string, string | number>;

/** A reason, by code. */
export interface ProblemReason {
	code: ReasonCode;
	params: ProblemParams;
}

/** What a coded problem says: its code, parameters and (for `noValue`) the nested reason. */
export interface ProblemWording {
	code: ProblemCode;
	params: ProblemParams;
	reason?: ProblemReason;
}

/**
 * Fill `{name}`s in one pass, so that a quote holding `{x}` stays as written. Code between
 * backticks in a template is shown as written in every language; the English message drops the
 * backticks.
 */
export function fill(template: string, values: ProblemParams): string {
	return template
		.replace(/`/g, '')
		.replace(/\{(\w+)\}/g, (match, name: string) =>
			Object.hasOwn(values, name) ? String(values[name]) : match
		);
}

/** A reason in English. */
export function reasonText(reason: ProblemReason): string {
	return fill(REASON_TEXT[reason.code], reason.params);
}

/** A coded problem in English. */
export function problemText(wording: ProblemWording): string {
	const values =
		wording.reason === undefined
			? wording.params
			: { ...wording.params, why: reasonText(wording.reason) };
	return fill(PROBLEM_TEXT[wording.code], values);
}
