/**
 * The graph editor: Svelte Flow canvas, custom nodes, palette, inspector, toolbar. The document
 * it edits lives in `$lib/graph`; this module is its UI.
 */
export { Editor } from './Editor';
export { Canvas } from './Canvas';
export { CanvasNode } from './CanvasNode';
export { Inspector } from './Inspector';
export { Palette } from './Palette';
export { ProblemsDialog } from './ProblemsDialog';
export { QuickAdd } from './QuickAdd';
export { StatusBar } from './StatusBar';
export { Toolbar } from './Toolbar';
export { TrainPanel, TrainPanelState, type PanelOptions } from './TrainPanel';
export { DataEditor } from './DataEditor';
export { MenuButton, type MenuItem } from './MenuButton';
export {
	EditorState,
	type CanvasView,
	type Notice,
	type ProblemReport
} from './editor-state.svelte';
export { getEditor, setEditor } from './context';
export { FlowModel, type CanvasNodeData, type FlowEdge, type FlowNode } from './flow-model';
export { shortcutFor, isEditableTarget, type ShortcutAction } from './shortcuts';
export { layoutLeftToRight } from './auto-layout';
export { showTheme, Theme, type ThemeChoice } from './theme.svelte';
export { Autosave, type TabChannel, type TabMessage } from './store/autosave.svelte';
export {
	IdbDocumentStore,
	MemoryDocumentStore,
	type DocumentInfo,
	type DocumentMeta,
	type DocumentOrigin,
	type DocumentRecord,
	type DocumentStore
} from './store/documents';
export { startDocument, LEGACY_STORAGE_KEY, TAB_DOCUMENT_KEY } from './store/startup';
