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
	'toolbar.file': 'File',
	'toolbar.new': 'New',
	'toolbar.open': 'Open',
	'toolbar.save': 'Save',
	'toolbar.share': 'Share link',
	'toolbar.exportImage': 'Export image',
	'toolbar.exportPng': 'PNG image',
	'toolbar.exportSvg': 'SVG image',
	'toolbar.exportPngItem': 'Export PNG image',
	'toolbar.exportSvgItem': 'Export SVG image',
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
	'canvas.minimap': 'Minimap',
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
	'notice.copied': 'Copied {count} nodes.',
	'notice.pasted': 'Pasted {count} nodes.',
	'notice.shareCopied': 'Share link copied to the clipboard.',
	'notice.shareReady': 'Share link ready: copy it from the box under the button.',
	'share.copied': 'Copied to the clipboard. Anyone with this link sees this graph.',
	'share.copyThis': 'Copy this link. Anyone with it sees this graph.',
	'notice.saved': 'Saved {file}.',
	'notice.opened': 'Opened {file}.',
	'notice.loadedExample': 'Loaded the example “{title}”.',
	'notice.loadedShare': 'Opened the graph from the link.',
	'notice.exported': 'Exported {file}.',
	'notice.exportFailed': 'Could not export the image: {reason}',
	'notice.nothingToLayout': 'Nothing to lay out.',
	'notice.dismiss': 'Dismiss',
	'notice.updatedFromTab': 'Updated with the changes made in another tab.',
	'notice.tookTheirs': 'Took the version saved in another tab. Undo brings yours back.',
	'notice.keptMine':
		'Kept your version as a new graph (see File › Recent). The other tab’s stays as it was.',
	'notice.discarded': 'Discarded the stored graph.',
	'storage.failedTitle': 'Autosave failed',
	'storage.failed': 'Your changes are only in this tab until a save works: {reason}',
	'storage.saveToFile': 'Save to file',
	'storage.retry': 'Try again',
	'storage.unreadableTitle': 'A stored graph could not be read',
	'storage.unreadable': '“{title}”, {date}: {reason}. It is kept as it was; this is a new graph.',
	'storage.download': 'Download it',
	'storage.discard': 'Discard it',
	'storage.conflictTitle': 'Changed in another tab',
	'storage.conflict':
		'This graph was saved in another tab since this tab opened it. Nothing was overwritten.',
	'storage.keepMine': 'Keep mine as a copy',
	'storage.takeTheirs': 'Use the other tab’s',
	'recent.menu': 'Recent…',
	'recent.title': 'Recent graphs',
	'recent.hint':
		'Every graph you opened or changed is kept in this browser. Opening one keeps the current graph here too.',
	'recent.empty': 'Nothing stored yet.',
	'recent.open': 'Open',
	'recent.download': 'Download',
	'recent.delete': 'Delete',
	'recent.current': 'open here',
	'recent.nodes': '{count} nodes',
	'recent.close': 'Close',
	'recent.origin.new': 'New graph',
	'recent.origin.example': 'Example: {title}',
	'recent.origin.file': '{name}',
	'recent.origin.link': 'From a share link',
	'recent.origin.code': 'Imported code',
	'recent.origin.autosave': 'Autosaved graph',
	'recent.copy': '{title} (copy)',
	'share.tooLong':
		'This graph makes a link of {size}: browsers refuse links longer than about {max}. Save it as a file and send the file instead.',

	'panels.label': 'Panels',
	'panels.train': 'Train panel',
	'panels.code': 'Code panel',
	'panels.trainShort': 'Train',
	'panels.codeShort': 'Code',
	'panels.close': 'Close the panel',
	'trainPanel.noLoss':
		'This graph has no loss node, so the panel trains the Linear regression example. Open it on the canvas to see its parameters change.',
	'trainPanel.openExample': 'Open the Linear regression example',
	'trainPanel.writeBack': 'Write the trained values into the graph',
	'trainPanel.writeBackHint': 'One step: Undo takes it back.',
	'trainPanel.auto': 'Auto: {device} — {reason}',
	'trainPanel.autoPending':
		'Auto: decided when training starts, by timing this graph once on the CPU and on the GPU',
	'trainPanel.autoNoWebgpu': 'no WebGPU adapter here',
	'trainPanel.autoSoftware':
		'the only GPU adapter is a software fallback ({adapter}) that runs on the CPU, and slower',
	'trainPanel.autoSoftwareUnnamed':
		'the only GPU adapter is a software fallback that runs on the CPU, and slower',
	'trainPanel.autoCalibrated':
		'faster for this graph (timed once: CPU {cpu} ms vs GPU {gpu} ms per epoch)',
	'trainPanel.autoGpuFailed': 'WebGPU failed, so the CPU took over',
	'trainPanel.webgpuSoftware': 'WebGPU (software: {adapter})',
	'trainPanel.csvLimit': 'Pasted text or a file under {size}, at most {rows} rows.',
	'trainPanel.csvNotSaved':
		"The CSV data was longer than {max} characters, so it was not saved with the document: the formula's data is in use. Paste or upload the CSV again to train on it.",
	'trainPanel.formatPt': '.pt (PyTorch)',
	'trainPanel.modelFiles':
		'Load model reads the files torch.save(model.state_dict(), path) writes (.pt, .pth, .pkl; keys such as linear.weight or weight), .safetensors and .json. It runs nothing from a file.',
	'notice.parametersWritten': 'Wrote the trained values into {names}.',
	'codePanel.title': 'PyTorch code',
	'codePanel.copy': 'Copy',
	'codePanel.download': 'Download .py',
	'codePanel.empty': '# An empty graph: add tensors and ops to see their PyTorch code.',
	'notice.codeCopied': 'Copied the code.',
	'notice.codeCopyFailed': 'Could not copy: select the code and copy it by hand.',
	'notice.codeDownloaded': 'Downloaded {file}.',
	'importCode.open': 'Import code',
	'importCode.title': 'Import PyTorch code',
	'importCode.text': 'Python code',
	'importCode.placeholder':
		'x = torch.tensor([1.0, 2.0])\nw = torch.rand(2, requires_grad=True)\ny = (w * x).sum()',
	'importCode.preview': 'Preview',
	'importCode.accept': 'Import',
	'importCode.cancel': 'Cancel',
	'importCode.summary': 'Builds {nodes} nodes and {wires} wires.',
	'importCode.problems': 'Not imported ({count}):',
	'importCode.noProblems': 'Every line imports.',
	'importCode.unchanged': 'The canvas changes only when you press Import; Undo restores it.',
	'notice.imported': 'Imported {nodes} nodes from the code.',

	'problems.fileTitle': 'This file cannot be opened',
	'problems.linkTitle': 'This link cannot be opened',
	'problems.pasteTitle': 'This cannot be pasted',
	'problems.unchanged': 'Your graph was not changed.',
	'problems.whole': '(the whole file)',
	'problems.tooBig': 'files of up to {max} can be opened; this one is {size}',
	'problems.readFailed': 'the file could not be read: {reason}',
	'problems.close': 'Close',

	'status.nodes': '{nodes}, {edges}',
	'status.nodeCount': '{count} nodes',
	'status.wireCount': '{count} wires',
	'status.help':
		'Shift+drag: box select · Ctrl+click: multi-select · Ctrl+Z / Ctrl+Shift+Z: undo / redo · Ctrl+C / V / D: copy / paste / duplicate · Delete: remove · Double-click: quick add',

	'trace.label': 'Trace',
	'trace.forward': 'Forward',
	'trace.backward': 'Backward',
	'trace.stepForward': 'Step forward',
	'trace.stepBack': 'Step back',
	'trace.play': 'Play',
	'trace.pause': 'Pause',
	'trace.speed': 'Speed',
	'trace.scrubber': 'Trace step',
	'trace.stepOf': 'Step {index} of {total}',
	'trace.noSteps': 'No steps yet: press Forward',
	'trace.reset': 'Reset',
	'trace.zeroGrad': 'Zero grad',
	'trace.retainGraph': 'Retain graph',
	'trace.retainGraphShort': 'retain_graph',
	'trace.showAll': 'Show all gradients',
	'trace.showAllShort': 'all ∇',
	'trace.presenter': 'Presenter mode',
	'trace.help': 'Keyboard shortcuts',
	'trace.working.forward': 'Computing Forward: {done} of {total} nodes',
	'trace.working.backward': 'Computing Backward…',
	'trace.cancel': 'Cancel',
	'trace.refusedTitle': 'Not run: too much work',
	'trace.refused.flops':
		'{name} ({op}) needs about {amount} with backward; the limit is {limit}. Use smaller shapes.',
	'trace.refused.bytes':
		'{name} ({op}) needs about {amount} of memory with backward; the limit is {limit}. Use smaller shapes.',
	'trace.dismiss': 'Dismiss',
	'trace.value': 'value',
	'trace.notStored': 'flowing grad',
	'trace.notStoredTitle':
		'Teaching view: the gradient that reached this tensor. PyTorch does not store it (its .grad is None).',
	'trace.gradNoneLeaf':
		'None: no backward pass has reached this tensor yet (or it does not require grad).',
	'trace.accumulationsTitle': '{count} backward passes accumulated into this .grad',
	'chain.title': 'Chain rule',
	'chain.empty':
		'Press Forward to run the graph, then Backward to see the chain rule at every node.',
	'chain.forwardStep': 'Forward · {name}',
	'chain.backwardStep': 'Backward · {name} ({gradFn})',
	'chain.leaf': '{name} is a leaf: a tensor you created. Its value enters the graph here.',
	'chain.forwardExplain':
		'{name} is computed from its inputs; the values travel along the wires into it.',
	'chain.backwardStart': 'Backward starts at {output}: ∂{output}/∂{output} = 1.',
	'chain.backwardExplain':
		'The gradient of {output} with respect to {name} comes from the step before; each input gets it times its local derivative.',
	'chain.opGrad.sum':
		'The gradient of sum is 1 for every element: the upstream gradient is broadcast back as ones.',
	'chain.opGrad.mean':
		'The gradient of mean is 1/n for every element: the upstream gradient is broadcast back, divided by n.',
	'chain.broadcast':
		'{name} {from} was broadcast to {to}, so its gradient is summed over the broadcast dims.',
	'chain.formulas': 'Formulas: point at an entry, or use the arrow keys, to follow one element',
	'chain.picked': 'Element {name}[{index}] = {value}',
	'chain.accumulated': '{name}.grad now holds {count} backward passes.',
	'chain.error': 'PyTorch raises:',
	'traceError.freed':
		'The first Backward freed the values this graph saved for its gradients. Tick "Retain graph" before backward, or run Forward again to build a fresh graph.',
	'traceError.nonScalar':
		'Backward starts from a single number. Choose a node with one element (add a sum or mean), or select it before pressing Backward.',
	'traceError.noGrad':
		'Nothing on the way to this output requires grad, so there is nothing to differentiate. Tick requires_grad on a leaf.',
	'traceError.missingInput': 'Connect every input of this node first.',
	'traceError.invalidGraph': 'The graph is not valid yet.',
	'traceError.noOutput': 'This graph has several ends: select the node to start Backward from.',
	'traceError.noForward': 'Backward needs the values of a Forward pass.',
	'traceError.other': 'PyTorch raises this error for the same graph.',
	'help.title': 'Keyboard shortcuts',
	'help.close': 'Close',
	'help.playPause': 'Play / pause',
	'help.step': 'Step forward / back',
	'help.forward': 'Forward',
	'help.backward': 'Backward',
	'help.reset': 'Reset',
	'help.open': 'Open this help',
	'importCode.confirmDrop':
		'{count} lines above cannot be imported and will be left out. Press “Import anyway” to build the rest.',
	'importCode.acceptAnyway': 'Import anyway',
	'importCode.notes': 'Accepted, not built ({count}):',
	'importCode.training': 'Train settings: lr {lr}, {epochs} epochs.'
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
	'toolbar.file': '文件',
	'toolbar.new': '新建',
	'toolbar.open': '打开',
	'toolbar.save': '保存',
	'toolbar.share': '分享链接',
	'toolbar.exportImage': '导出图片',
	'toolbar.exportPng': 'PNG 图片',
	'toolbar.exportSvg': 'SVG 图片',
	'toolbar.exportPngItem': '导出 PNG 图片',
	'toolbar.exportSvgItem': '导出 SVG 图片',
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
	'canvas.minimap': '小地图',
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
	'notice.exported': '已导出 {file}。',
	'notice.exportFailed': '无法导出图片：{reason}',
	'notice.nothingToLayout': '没有可布局的节点。',
	'notice.dismiss': '关闭',
	'notice.updatedFromTab': '已更新为另一个标签页中的修改。',
	'notice.tookTheirs': '已采用另一个标签页保存的版本。撤销可恢复你的版本。',
	'notice.keptMine': '已把你的版本另存为新的计算图（见 文件 › 最近）。另一个标签页的版本保持不变。',
	'notice.discarded': '已删除保存的计算图。',
	'storage.failedTitle': '自动保存失败',
	'storage.failed': '在保存成功之前，你的修改只存在于此标签页：{reason}',
	'storage.saveToFile': '保存为文件',
	'storage.retry': '重试',
	'storage.unreadableTitle': '有一张保存的计算图无法读取',
	'storage.unreadable': '“{title}”，{date}：{reason}。它原样保留；当前是一张新的计算图。',
	'storage.download': '下载它',
	'storage.discard': '删除它',
	'storage.conflictTitle': '已在另一个标签页中修改',
	'storage.conflict': '自此标签页打开以来，这张计算图已在另一个标签页中保存。没有任何内容被覆盖。',
	'storage.keepMine': '把我的另存为副本',
	'storage.takeTheirs': '采用另一个标签页的',
	'recent.menu': '最近…',
	'recent.title': '最近的计算图',
	'recent.hint':
		'你打开或修改过的每张计算图都保存在此浏览器中。打开其中一张时，当前的计算图也会保留在这里。',
	'recent.empty': '还没有保存任何内容。',
	'recent.open': '打开',
	'recent.download': '下载',
	'recent.delete': '删除',
	'recent.current': '正在此处打开',
	'recent.nodes': '{count} 个节点',
	'recent.close': '关闭',
	'recent.origin.new': '新计算图',
	'recent.origin.example': '示例：{title}',
	'recent.origin.file': '{name}',
	'recent.origin.link': '来自分享链接',
	'recent.origin.code': '导入的代码',
	'recent.origin.autosave': '自动保存的计算图',
	'recent.copy': '{title}（副本）',
	'share.tooLong':
		'这张计算图生成的链接有 {size}：浏览器不接受超过约 {max} 的链接。请保存为文件，改为发送文件。',

	'panels.label': '面板',
	'panels.train': '训练面板',
	'panels.code': '代码面板',
	'panels.trainShort': '训练',
	'panels.codeShort': '代码',
	'panels.close': '关闭面板',
	'trainPanel.noLoss':
		'此计算图没有损失节点，因此面板训练“线性回归”示例。在画布上打开它，即可看到参数的变化。',
	'trainPanel.openExample': '打开线性回归示例',
	'trainPanel.writeBack': '把训练后的值写入计算图',
	'trainPanel.writeBackHint': '只占一步：撤销即可还原。',
	'trainPanel.auto': '自动：{device} — {reason}',
	'trainPanel.autoPending': '自动：开始训练时，在 CPU 和 GPU 上各测一次此计算图再决定',
	'trainPanel.autoNoWebgpu': '此处没有 WebGPU 适配器',
	'trainPanel.autoSoftware': '唯一的 GPU 适配器是在 CPU 上运行的软件回退实现（{adapter}），更慢',
	'trainPanel.autoSoftwareUnnamed': '唯一的 GPU 适配器是在 CPU 上运行的软件回退实现，更慢',
	'trainPanel.autoCalibrated': '在此计算图上更快（各测一次：每轮 CPU {cpu} ms，GPU {gpu} ms）',
	'trainPanel.autoGpuFailed': 'WebGPU 出错，已改由 CPU 接手',
	'trainPanel.webgpuSoftware': 'WebGPU（软件实现：{adapter}）',
	'trainPanel.csvLimit': '粘贴的文本或文件须小于 {size}，最多 {rows} 行。',
	'trainPanel.csvNotSaved':
		'CSV 数据超过 {max} 个字符，未随文档保存：现在使用的是公式生成的数据。如需用它训练，请重新粘贴或上传 CSV。',
	'trainPanel.formatPt': '.pt（PyTorch）',
	'trainPanel.modelFiles':
		'“加载模型”可读取 torch.save(model.state_dict(), path) 写出的文件（.pt、.pth、.pkl；键名如 linear.weight 或 weight），以及 .safetensors 和 .json 文件。不会执行文件中的任何代码。',
	'notice.parametersWritten': '已把训练后的值写入 {names}。',
	'codePanel.title': 'PyTorch 代码',
	'codePanel.copy': '复制',
	'codePanel.download': '下载 .py',
	'codePanel.empty': '# 空计算图：添加张量和运算即可看到对应的 PyTorch 代码。',
	'notice.codeCopied': '已复制代码。',
	'notice.codeCopyFailed': '无法复制：请手动选中代码并复制。',
	'notice.codeDownloaded': '已下载 {file}。',
	'importCode.open': '导入代码',
	'importCode.title': '导入 PyTorch 代码',
	'importCode.text': 'Python 代码',
	'importCode.placeholder':
		'x = torch.tensor([1.0, 2.0])\nw = torch.rand(2, requires_grad=True)\ny = (w * x).sum()',
	'importCode.preview': '预览',
	'importCode.accept': '导入',
	'importCode.cancel': '取消',
	'importCode.summary': '将生成 {nodes} 个节点和 {wires} 条连线。',
	'importCode.problems': '未导入（{count}）：',
	'importCode.noProblems': '所有行均可导入。',
	'importCode.unchanged': '只有按下“导入”后画布才会改变；撤销即可还原。',
	'notice.imported': '已从代码导入 {nodes} 个节点。',

	'problems.fileTitle': '无法打开此文件',
	'problems.linkTitle': '无法打开此链接',
	'problems.pasteTitle': '无法粘贴',
	'problems.unchanged': '你的计算图没有被改动。',
	'problems.whole': '（整个文件）',
	'problems.tooBig': '最多只能打开 {max} 的文件；此文件为 {size}',
	'problems.readFailed': '无法读取文件：{reason}',
	'problems.close': '关闭',

	'status.nodes': '{nodes}，{edges}',
	'status.nodeCount': '{count} 个节点',
	'status.wireCount': '{count} 条连线',
	'status.help':
		'Shift+拖动：框选 · Ctrl+点击：多选 · Ctrl+Z / Ctrl+Shift+Z：撤销 / 重做 · Ctrl+C / V / D：复制 / 粘贴 / 副本 · Delete：删除 · 双击：快速添加',

	'trace.label': '追踪',
	'trace.forward': '前向',
	'trace.backward': '反向',
	'trace.stepForward': '下一步',
	'trace.stepBack': '上一步',
	'trace.play': '播放',
	'trace.pause': '暂停',
	'trace.speed': '速度',
	'trace.scrubber': '追踪步骤',
	'trace.stepOf': '第 {index} 步，共 {total} 步',
	'trace.noSteps': '还没有步骤：请按“前向”',
	'trace.reset': '重置',
	'trace.zeroGrad': '梯度清零',
	'trace.retainGraph': '保留计算图',
	'trace.retainGraphShort': 'retain_graph',
	'trace.showAll': '显示所有梯度',
	'trace.showAllShort': '全部 ∇',
	'trace.presenter': '演示模式',
	'trace.help': '键盘快捷键',
	'trace.working.forward': '正在计算前向：{done} / {total} 个节点',
	'trace.working.backward': '正在计算反向…',
	'trace.cancel': '取消',
	'trace.refusedTitle': '未运行：计算量过大',
	'trace.refused.flops': '{name}（{op}）连同反向约需 {amount}，上限为 {limit}。请使用更小的形状。',
	'trace.refused.bytes':
		'{name}（{op}）连同反向约需 {amount} 内存，上限为 {limit}。请使用更小的形状。',
	'trace.dismiss': '关闭',
	'trace.value': '值',
	'trace.notStored': '流经的梯度',
	'trace.notStoredTitle': '教学视图：到达此张量的梯度。PyTorch 不会保存它（其 .grad 为 None）。',
	'trace.gradNoneLeaf': 'None：还没有反向传播到达此张量（或它不需要梯度）。',
	'trace.accumulationsTitle': '已有 {count} 次反向传播累加到此 .grad',
	'chain.title': '链式法则',
	'chain.empty': '按“前向”运行计算图，再按“反向”查看每个节点的链式法则。',
	'chain.forwardStep': '前向 · {name}',
	'chain.backwardStep': '反向 · {name}（{gradFn}）',
	'chain.leaf': '{name} 是叶子节点：由你创建的张量。它的值从这里进入计算图。',
	'chain.forwardExplain': '{name} 由它的输入计算得到；数值沿连线流入。',
	'chain.backwardStart': '反向传播从 {output} 开始：∂{output}/∂{output} = 1。',
	'chain.backwardExplain':
		'{output} 对 {name} 的梯度来自上一步；每个输入得到它乘以该输入的局部导数。',
	'chain.opGrad.sum': 'sum 对每个元素的梯度都是 1：上游梯度以全 1 的形式广播回去。',
	'chain.opGrad.mean': 'mean 对每个元素的梯度都是 1/n：上游梯度广播回去并除以 n。',
	'chain.broadcast': '{name} {from} 被广播到 {to}，所以它的梯度要在被广播的维度上求和。',
	'chain.formulas': '公式：指向某个元素或使用方向键，跟随单个元素',
	'chain.picked': '元素 {name}[{index}] = {value}',
	'chain.accumulated': '{name}.grad 现已累加 {count} 次反向传播。',
	'chain.error': 'PyTorch 报错：',
	'traceError.freed':
		'第一次“反向”已释放此计算图为求梯度保存的值。请在反向前勾选“保留计算图”，或重新运行“前向”以构建新的计算图。',
	'traceError.nonScalar':
		'反向传播从单个数开始。请选择只有一个元素的节点（加一个 sum 或 mean），或在按“反向”前选中它。',
	'traceError.noGrad':
		'通往此输出的路径上没有张量需要梯度，所以没有可求导的东西。请在某个叶子节点上勾选 requires_grad。',
	'traceError.missingInput': '请先连接此节点的每个输入。',
	'traceError.invalidGraph': '计算图还不是有效的。',
	'traceError.noOutput': '此计算图有多个终点：请选中要开始反向传播的节点。',
	'traceError.noForward': '反向传播需要一次前向传播的值。',
	'traceError.other': 'PyTorch 对同一个计算图也会报这个错。',
	'help.title': '键盘快捷键',
	'help.close': '关闭',
	'help.playPause': '播放 / 暂停',
	'help.step': '下一步 / 上一步',
	'help.forward': '前向',
	'help.backward': '反向',
	'help.reset': '重置',
	'help.open': '打开此帮助',
	'importCode.confirmDrop': '上面有 {count} 行无法导入，将被略去。按“仍然导入”生成其余部分。',
	'importCode.acceptAnyway': '仍然导入',
	'importCode.notes': '已接受但不生成（{count}）：',
	'importCode.training': '训练设置：学习率 {lr}，{epochs} 轮。'
};

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, zh };

/**
 * Other plural forms of messages with a `{count}`: the catalog holds the `other` form (Chinese
 * has no other), this table the rest, by `Intl.PluralRules` category.
 */
export const PLURALS: Record<
	Locale,
	Partial<Record<MessageKey, Partial<Record<Intl.LDMLPluralRule, string>>>>
> = {
	en: {
		'notice.copied': { one: 'Copied {count} node.' },
		'notice.pasted': { one: 'Pasted {count} node.' },
		'recent.nodes': { one: '{count} node' },
		'status.nodeCount': { one: '{count} node' },
		'status.wireCount': { one: '{count} wire' },
		'trace.accumulationsTitle': { one: '{count} backward pass accumulated into this .grad' },
		'chain.accumulated': { one: '{name}.grad now holds {count} backward pass.' },
		'importCode.confirmDrop': {
			one: '{count} line above cannot be imported and will be left out. Press “Import anyway” to build the rest.'
		}
	},
	zh: {}
};

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The plural category of `count` in `locale` (`one`, `other`, ...). */
function pluralOf(locale: Locale, count: number): Intl.LDMLPluralRule {
	let rules = pluralRules.get(locale);
	if (!rules) {
		rules = new Intl.PluralRules(locale === 'zh' ? 'zh-CN' : 'en');
		pluralRules.set(locale, rules);
	}
	return rules.select(count);
}

/** Whether `key` is a message of the catalog (for keys made from data, such as an op id). */
export function hasMessage(key: string): key is MessageKey {
	return Object.hasOwn(MESSAGES.en, key);
}

export type MessageParams = Record<string, string | number>;

/**
 * The message `key` in `locale`, with `{name}` parameters replaced by their text; a numeric
 * `count` picks the message's plural form in that language.
 */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
	const count = params?.count;
	const form =
		typeof count === 'number' ? PLURALS[locale][key]?.[pluralOf(locale, count)] : undefined;
	const template = form ?? MESSAGES[locale][key] ?? MESSAGES.en[key];
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
