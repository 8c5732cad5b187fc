/**
 * The app's one message catalog: every piece of UI text, in English and 简体中文.
 * `{name}` marks a parameter; `translate` fills it in as plain text (never as HTML).
 * Op ids, argument names and PyTorch's error messages stay as they are: they are code.
 */

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each locale's own name, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', zh: '简体中文' };

const en = {
	'app.title': 'Autograd Canvas',
	'app.tagline': 'Build a computation graph, see every shape.',
	'nav.tutorial': 'Tutorial',
	'nav.editor': 'Editor',
	'nav.language': 'Language',
	'theme.toggle': 'Theme',
	'theme.system': 'System theme',
	'theme.light': 'Light theme',
	'theme.dark': 'Dark theme',

	'toolbar.label': 'File',
	'toolbar.new': 'New',
	'toolbar.open': 'Open',
	'toolbar.save': 'Save',
	'toolbar.share': 'Share link',
	'toolbar.exportImage': 'Export image',
	'toolbar.exportPng': 'PNG image',
	'toolbar.exportSvg': 'SVG image',
	'toolbar.examples': 'Examples',
	'toolbar.undo': 'Undo',
	'toolbar.redo': 'Redo',
	'toolbar.autoLayout': 'Auto layout',
	'toolbar.edit': 'Edit',

	'palette.title': 'Palette',
	'palette.search': 'Search the palette',
	'palette.searchPlaceholder': 'Search ops…',
	'palette.none': 'Nothing matches.',
	'palette.hint': 'Drag onto the canvas, or click to add.',
	'palette.leafX': 'input tensor x',
	'palette.leafW': 'weight tensor w',
	'palette.leafB': 'bias tensor b',
	'palette.leafTensor': 'a tensor',
	'category.tensors': 'Tensors',
	'category.arithmetic': 'Arithmetic',
	'category.reductions': 'Reductions',
	'category.linear algebra': 'Linear algebra',
	'category.activations': 'Activations',
	'category.losses': 'Losses',

	'canvas.label': 'Graph canvas',
	'canvas.empty': 'Drag x, w, b and an op from the palette, then wire outputs to inputs.',
	'quickAdd.label': 'Add a node',
	'quickAdd.placeholder': 'Type an op, Enter to add',

	'node.shape': 'shape',
	'node.noShape': 'shape unknown',
	'node.requiresGrad': 'requires_grad',
	'node.output': 'output',
	'node.input': 'input {name}',

	'inspector.title': 'Inspector',
	'inspector.none': 'Select a node to edit it.',
	'inspector.many': '{count} nodes selected.',
	'inspector.name': 'Name',
	'inspector.op': 'Op',
	'inspector.shape': 'Shape',
	'inspector.shapeHint': 'Comma-separated sizes, e.g. 3, 4 (empty: a scalar).',
	'inspector.init': 'Init',
	'inspector.values': 'Values',
	'inspector.valuesTooMany': 'Too many values to edit here ({count}); use a smaller shape.',
	'inspector.value': 'value {index}',
	'inspector.fill': 'Fill value',
	'inspector.seed': 'Seed',
	'inspector.requiresGrad': 'requires_grad',
	'inspector.retainGrad': 'retain_grad()',
	'inspector.attrs': 'Attributes',
	'inspector.dimsHint': 'Empty: every dim. Or dims like 0, 1.',
	'inspector.listHint': 'Comma-separated integers.',
	'inspector.outputShape': 'Output shape',
	'inspector.error': 'Error',
	'inspector.warning': 'Warning',
	'inspector.notNumber': 'not a number: {text}',
	'inspector.notInteger': 'not an integer: {text}',
	'inspector.apply': 'Apply',
	'inspector.delete': 'Delete node',
	'inspector.inputs': 'Inputs',
	'inspector.missing': 'not connected',

	'notice.refused': 'Refused: {reason}',
	'notice.wireRefused': 'Wire refused: {reason}',
	'notice.copied': 'Copied {count} node(s).',
	'notice.pasted': 'Pasted {count} node(s).',
	'notice.shareCopied': 'Share link copied to the clipboard.',
	'notice.shareReady': 'Share link ready: copy it from the box under the button.',
	'share.copied': 'Copied to the clipboard. Anyone with this link sees this graph.',
	'share.copyThis': 'Copy this link. Anyone with it sees this graph.',
	'notice.saved': 'Saved {file}.',
	'notice.opened': 'Opened {file}.',
	'notice.loadedExample': 'Loaded the example “{title}”.',
	'notice.loadedShare': 'Opened the graph from the link.',
	'notice.restored': 'Restored your last graph.',
	'notice.exported': 'Exported {file}.',
	'notice.exportFailed': 'Could not export the image: {reason}',
	'notice.nothingToLayout': 'Nothing to lay out.',
	'notice.dismiss': 'Dismiss',

	'problems.fileTitle': 'This file cannot be opened',
	'problems.linkTitle': 'This link cannot be opened',
	'problems.pasteTitle': 'This cannot be pasted',
	'problems.unchanged': 'Your graph was not changed.',
	'problems.whole': '(the whole file)',
	'problems.tooBig': 'files of up to {max} can be opened; this one is {size}',
	'problems.readFailed': 'the file could not be read: {reason}',
	'problems.close': 'Close',

	'status.nodes': '{nodes} nodes, {edges} wires',
	'status.help':
		'Shift+drag: box select · Ctrl+click: multi-select · Ctrl+Z / Ctrl+Shift+Z: undo / redo · Ctrl+C / V / D: copy / paste / duplicate · Delete: remove · Double-click: quick add'
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
	'app.title': 'Autograd Canvas',
	'app.tagline': '搭建计算图，看清每个形状。',
	'nav.tutorial': '教程',
	'nav.editor': '编辑器',
	'nav.language': '语言',
	'theme.toggle': '主题',
	'theme.system': '跟随系统主题',
	'theme.light': '浅色主题',
	'theme.dark': '深色主题',

	'toolbar.label': '文件',
	'toolbar.new': '新建',
	'toolbar.open': '打开',
	'toolbar.save': '保存',
	'toolbar.share': '分享链接',
	'toolbar.exportImage': '导出图片',
	'toolbar.exportPng': 'PNG 图片',
	'toolbar.exportSvg': 'SVG 图片',
	'toolbar.examples': '示例',
	'toolbar.undo': '撤销',
	'toolbar.redo': '重做',
	'toolbar.autoLayout': '自动布局',
	'toolbar.edit': '编辑',

	'palette.title': '组件面板',
	'palette.search': '搜索组件',
	'palette.searchPlaceholder': '搜索算子…',
	'palette.none': '没有匹配项。',
	'palette.hint': '拖到画布上，或点击添加。',
	'palette.leafX': '输入张量 x',
	'palette.leafW': '权重张量 w',
	'palette.leafB': '偏置张量 b',
	'palette.leafTensor': '一个张量',
	'category.tensors': '张量',
	'category.arithmetic': '算术',
	'category.reductions': '归约',
	'category.linear algebra': '线性代数',
	'category.activations': '激活函数',
	'category.losses': '损失函数',

	'canvas.label': '计算图画布',
	'canvas.empty': '从组件面板拖入 x、w、b 和一个算子，再把输出连到输入。',
	'quickAdd.label': '添加节点',
	'quickAdd.placeholder': '输入算子名，回车添加',

	'node.shape': '形状',
	'node.noShape': '形状未知',
	'node.requiresGrad': 'requires_grad',
	'node.output': '输出',
	'node.input': '输入 {name}',

	'inspector.title': '属性',
	'inspector.none': '选中一个节点即可编辑。',
	'inspector.many': '已选中 {count} 个节点。',
	'inspector.name': '名称',
	'inspector.op': '算子',
	'inspector.shape': '形状',
	'inspector.shapeHint': '用逗号分隔各维大小，如 3, 4（留空表示标量）。',
	'inspector.init': '初始化',
	'inspector.values': '数值',
	'inspector.valuesTooMany': '数值太多（{count} 个），无法在此编辑；请用更小的形状。',
	'inspector.value': '第 {index} 个值',
	'inspector.fill': '填充值',
	'inspector.seed': '随机种子',
	'inspector.requiresGrad': 'requires_grad',
	'inspector.retainGrad': 'retain_grad()',
	'inspector.attrs': '参数',
	'inspector.dimsHint': '留空表示所有维度，或填写如 0, 1。',
	'inspector.listHint': '用逗号分隔的整数。',
	'inspector.outputShape': '输出形状',
	'inspector.error': '错误',
	'inspector.warning': '警告',
	'inspector.notNumber': '不是数字：{text}',
	'inspector.notInteger': '不是整数：{text}',
	'inspector.apply': '应用',
	'inspector.delete': '删除节点',
	'inspector.inputs': '输入',
	'inspector.missing': '未连接',

	'notice.refused': '已拒绝：{reason}',
	'notice.wireRefused': '连线被拒绝：{reason}',
	'notice.copied': '已复制 {count} 个节点。',
	'notice.pasted': '已粘贴 {count} 个节点。',
	'notice.shareCopied': '分享链接已复制到剪贴板。',
	'notice.shareReady': '分享链接已生成：请从按钮下方的框中复制。',
	'share.copied': '已复制到剪贴板。任何人打开此链接都能看到这张计算图。',
	'share.copyThis': '请复制此链接。任何人打开它都能看到这张计算图。',
	'notice.saved': '已保存 {file}。',
	'notice.opened': '已打开 {file}。',
	'notice.loadedExample': '已载入示例“{title}”。',
	'notice.loadedShare': '已从链接打开计算图。',
	'notice.restored': '已恢复上次的计算图。',
	'notice.exported': '已导出 {file}。',
	'notice.exportFailed': '无法导出图片：{reason}',
	'notice.nothingToLayout': '没有可布局的节点。',
	'notice.dismiss': '关闭',

	'problems.fileTitle': '无法打开此文件',
	'problems.linkTitle': '无法打开此链接',
	'problems.pasteTitle': '无法粘贴',
	'problems.unchanged': '你的计算图没有被改动。',
	'problems.whole': '（整个文件）',
	'problems.tooBig': '最多只能打开 {max} 的文件；此文件为 {size}',
	'problems.readFailed': '无法读取文件：{reason}',
	'problems.close': '关闭',

	'status.nodes': '{nodes} 个节点，{edges} 条连线',
	'status.help':
		'Shift+拖动：框选 · Ctrl+点击：多选 · Ctrl+Z / Ctrl+Shift+Z：撤销 / 重做 · Ctrl+C / V / D：复制 / 粘贴 / 副本 · Delete：删除 · 双击：快速添加'
};

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, zh };

export type MessageParams = Record<string, string | number>;

/** The message `key` in `locale`, with `{name}` parameters replaced by their text. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
	const template = MESSAGES[locale][key] ?? MESSAGES.en[key];
	if (!params) return template;
	return template.replace(/\{(\w+)\}/g, (match, name: string) =>
		Object.hasOwn(params, name) ? String(params[name]) : match
	);
}

/** The locale that `languages` (navigator.languages) prefer: Chinese if any zh comes first. */
export function preferredLocale(languages: readonly string[]): Locale {
	for (const language of languages) {
		const lower = language.toLowerCase();
		if (lower.startsWith('zh')) return 'zh';
		if (lower.startsWith('en')) return 'en';
	}
	return 'en';
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
