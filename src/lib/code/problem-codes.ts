/**
 * The importer's own problems, by code: the English words of each (`PROBLEM_TEXT`), and of the
 * reasons a name has no value (`REASON_TEXT`, said inside `noValue`). The UI words each in its
 * language from the code and its parameters (`importCode.problem.<code>`,
 * `importCode.reason.<code>`); `message` keeps the English. Parameters that quote the user's code
 * are excerpts; a value's kind is a phrase (`PHRASE_TEXT`). Python's, PyTorch's and NumPy's own
 * errors, reproduced on purpose, are quoted as they word them (`python`, `pytorch`, `numpy`: the
 * UI says whose they are). Python's syntax errors (the tokenizer's and the parser's) have no
 * code: they are Python's words, shown as written in every language.
 */

/** A table's codes, in its order. */
function codesOf<Code extends string>(table: Record<Code, string>): Code[] {
	return Object.keys(table) as Code[];
}

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
	double: 'the canvas computes in `float32`: `.double()` is outside the subset',
	torchDtype: 'the canvas computes in `float32`: `dtype=`{dtype} is outside the subset',
	dtypeType: '`dtype` must be a torch dtype, such as `torch.float32`',
	/** Python's own error, quoted as Python words it (`error`). */
	python: '{error}',
	/** PyTorch's own error, quoted as PyTorch words it. */
	pytorch: '{error}',
	/** NumPy's own error, quoted as NumPy words it. */
	numpy: '{error}',
	numberOperator: "'{op}' between two numbers is outside the subset",
	/** `error`: PyTorch's words. */
	integerOverflow: '{what} is too big: {error} (PyTorch takes 64-bit integers)',
	integerTooBig: '{what} = {value} is too big for the canvas (at most {max})',
	notInteger: '{what} must be an integer, not {value}',
	notBool: '{what} must be `True` or `False`',
	notNumber: '{what} must be a number',
	notNumberValue: '{what} must be a number, not {value}',
	notFinite: '{value} is not a finite number',
	notFiniteArg: '{what} must be finite',
	notTensorOrNumber: '{what} must be a tensor or a number, not {value}',
	notCallable: '{value} is not callable',
	atLeastOne: '{what} must be at least 1 on the canvas, got {value}',
	missing: '{what} is missing',
	reductionValue: "`reduction` must be `'mean'`, `'sum'` or `'none'`",
	deprecated: '{name} is deprecated in PyTorch: use `reduction=`',
	keywordOption: '{name}= is outside the subset',
	numberAtDim: 'expected a number at dim {dim} (got a sequence)',
	maxDims: 'a tensor has at most {max} dimensions on the canvas',
	emptyTensor: 'an empty tensor cannot go on the canvas',
	zeroSize: 'a size of 0: tensors on the canvas have at least one element along each dimension',
	tooManyElements: "a tensor of {count} elements is over the canvas's limit of {max}",
	tooManyValues: 'a tensor written as numbers holds at most {max} of them on the canvas',
	boolTensor: 'bool tensors are outside the subset',
	tensorOfTensors: '`torch.tensor()` of tensors is outside the subset',
	tensorData: '`torch.tensor()` takes numbers or lists of numbers, not {value}',
	rangeTooLong:
		'`range(...)` has {count} items: more than the {max} values a tensor on the canvas holds',
	arangeTooLong: 'this range has more than {max} values',
	listCompIterable:
		'a list comprehension over {value} is outside the subset: loop over `range(n)` or a list of numbers',
	listCompTarget: 'a list comprehension binds one name here (`for i in ...`)',
	listCompElement: 'a list comprehension makes numbers here, not {value}',
	arrayOf: '`np.array` of {value} is outside the subset',
	raggedArray: '`np.array` of lists of different lengths is outside the subset',
	arrayTooBig: '`np.array` of more than {max} values is outside the subset',
	numpyMethod: "{callee}(): `numpy`'s {name} is outside the subset",
	fromNumpy: 'expected `np.ndarray` (got {value})',
	linearTooBig: '`nn.Linear`({in}, {out}) has more than {max} weights',
	noBias: 'this `nn.Linear` has no bias',
	parameterData:
		'`nn.Parameter` takes a new tensor here, such as `torch.tensor([...])` or `torch.zeros(...)`',
	assignParameter:
		'assign {attr} as `nn.Parameter(torch.tensor(...))`: PyTorch expects an `nn.Parameter` here',
	/** `error`: PyTorch's words. */
	leafRequiresGrad:
		'only leaves can have `requires_grad` set (PyTorch: {error}); {name} is computed',
	loadStateDictDict:
		'`load_state_dict` takes a dict literal here: `{"weight": torch.tensor(...), "bias": ...}`',
	loadStateDictTensor:
		'`load_state_dict` takes new tensors here, such as `torch.tensor([...])` or `torch.zeros(...)`, for "{key}"',
	loadStateDictFile: '`load_state_dict` takes `torch.load(path)` here, not {value}',
	callDepth: 'methods calling methods more than {max} deep',
	momentumRange: "`momentum` {value} is outside the Train panel's range [0, 1)",
	lrZero: '`lr=0` trains nothing: the Train panel takes an `lr` above 0',
	sgdOption: "`SGD`'s {name} is outside the subset",
	conditionalTensor: 'conditional expressions on tensors are outside the subset',
	dictKeys: 'dict keys other than strings are outside the subset',
	expression: '{expression} is outside the subset',
	notOperand: "'`not`' on {value} is outside the subset",
	unaryOperand: "unary '{op}' on {value} is outside the subset",
	boolOperator: "'{op}' is outside the subset",
	comparison: "the comparison '{op}' is outside the subset",
	operator: "the operator '{op}' is outside the subset",
	operands: "'{op}' between {left} and {right} is outside the subset",
	numberOperand: "'{op}' needs two tensors ({id} of a number is not defined)",
	needsTensor: '{callee} needs at least one tensor',
	unpackCount: 'cannot unpack {count} values into {names} names',
	unpackValue: 'unpacking {value} is outside the subset',
	tooManyNodes: 'the graph would have more than {max} nodes: the import stops here',
	/** Syntax errors in our words (Python's own, such as `invalid character`, have no code). */
	syntaxAt: "invalid syntax at '{text}'",
	syntaxLineEnds: 'invalid syntax: the line ends too early',
	syntaxKeyword: "invalid syntax: '{text}' is a keyword",
	syntaxNotPython: "invalid syntax: '{text}' is not Python"
} as const;

export type ProblemCode = keyof typeof PROBLEM_TEXT;
export const PROBLEM_CODES = codesOf(PROBLEM_TEXT);

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
export const REASON_CODES = codesOf(REASON_TEXT);

/**
 * Phrases of ours said inside problems: what a value is (`describeValue`), what an expression
 * outside the subset is. A problem's parameter may be one (`{ phrase, params }`), worded in the
 * UI's language (`importCode.phrase.<code>`).
 */
export const PHRASE_TEXT = {
	tensor: 'a tensor',
	int: 'an int',
	float: 'a float',
	bool: 'a bool',
	string: 'a string',
	tuple: 'a tuple',
	list: 'a list',
	dict: 'a dict',
	method: 'the method {name}',
	linear: 'an `nn.Linear` module',
	mse: 'an `nn.MSELoss` module',
	failed: 'a value that was not imported',
	array: 'a `numpy` array',
	class: 'the class {name}',
	object: 'a {name} module',
	sgd: 'an `SGD` optimizer',
	device: 'a device',
	optimizer: 'an optimizer',
	generator: 'a generator',
	conditional: 'a conditional value',
	epoch: 'the epoch',
	stateDict: 'a `state_dict` read by `torch.load`',
	assignmentExpression: "an assignment expression '`:=`'",
	yield: '`yield`',
	lambda: 'a `lambda`',
	await: '`await`',
	generatorExpression: 'a generator expression',
	slice: 'a slice',
	subscript: 'a subscript',
	ellipsis: '`Ellipsis` (`...`)',
	setComprehension: 'a set comprehension',
	dictComprehension: 'a dict comprehension',
	set: 'a set',
	listComprehension: 'a list comprehension'
} as const;

/** A phrase, by code, as a problem's parameter; its `params` quote code. */
export interface Phrase {
	phrase: keyof typeof PHRASE_TEXT;
	params?: Record<string, string | number>;
}

export type PhraseCode = Phrase['phrase'];
export const PHRASE_CODES = codesOf(PHRASE_TEXT);

export type ProblemParams = Record<string, string | number | Phrase>;

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
	return template.replace(/`/g, '').replace(/\{(\w+)\}/g, (match, name: string) => {
		if (!Object.hasOwn(values, name)) return match;
		const value = values[name];
		return typeof value === 'object' ? phraseText(value) : String(value);
	});
}

/** A phrase in English. */
export function phraseText(phrase: Phrase): string {
	return fill(PHRASE_TEXT[phrase.phrase], phrase.params ?? {});
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
